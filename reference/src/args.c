/*
 * args.c -- binding a call's arguments to a method's parameters, with the
 * error messages CPython's argument parsers give.
 *
 * Argument errors are not memoryview's rules, but they are part of its
 * exact behaviour: m.tobytes('C', 'F') must fail as CPython fails.  Methods
 * use one of three conventions, as in CPython:
 *
 *   MV_SIG_NOARGS   m.tolist(): nothing may be passed;
 *   MV_SIG_VARARGS  m.__exit__(*args): any positional arguments, no keywords;
 *   MV_SIG_O        m.count(x): exactly one positional argument;
 *   MV_SIG_POSITIONAL  m.index(x[, start[, stop]]): positional only, the
 *                   first nrequired of them required;
 *   MV_SIG_WRAPPER  m.__buffer__(flags): a slot wrapper of 3.12+, exactly
 *                   one positional argument;
 *   MV_SIG_CLINIC   m.hex(sep, bytes_per_sep): positional-or-keyword
 *                   parameters, the first nrequired of them required.  The
 *                   checks go: too many arguments in all; each parameter,
 *                   from position or by name, required ones present; then
 *                   keywords that name a positional argument again, or
 *                   nothing at all.
 *
 * 3.9 parsed tobytes() and cast() with PyArg_ParseTupleAndKeywords, whose
 * messages call the method "function"; the signature's name is then NULL.
 * Before 3.14 a slot wrapper's messages had an empty name where 3.14 names
 * it: " expected 1 argument, got 0", with its leading space.
 * Conversions of the bound values (an int, a str) are the methods' own, and
 * come after binding, as in CPython; the shared one, mv_arg_int(), is
 * abstract.c's, since any object may be handed as an int.
 */
#include <stdio.h>

#include "mvint.h"
#include "args.h"
#include "value.h"

static int no_arguments(const mv_signature *sig, const mv_args *a,
                        bool qualified, mv_error *err)
{
    const char *name = qualified ? sig->qualname : sig->name;

    if (a->nkwargs > 0)
        return mv_raise(err, "TypeError", "%s() takes no keyword arguments",
                        name);
    if (sig->kind == MV_SIG_NOARGS && a->nargs > 0)
        return mv_raise(err, "TypeError", "%s() takes no arguments (%zu given)",
                        name, a->nargs);
    return 0;
}

static int positional_only(const mv_signature *sig, const mv_args *a,
                           const mv_value *bound[], mv_error *err)
{
    if (a->nkwargs > 0)
        return mv_raise(err, "TypeError", "%s() takes no keyword arguments",
                        sig->qualname);
    if (sig->kind == MV_SIG_O && a->nargs != 1)
        return mv_raise(err, "TypeError", "%s() takes exactly one argument "
                        "(%zu given)", sig->qualname, a->nargs);
    if (a->nargs < (size_t)sig->nrequired)
        return mv_raise(err, "TypeError", "%s expected at least %d argument%s, "
                        "got %zu", sig->name, sig->nrequired,
                        sig->nrequired == 1 ? "" : "s", a->nargs);
    if (a->nargs > (size_t)sig->nparams)
        return mv_raise(err, "TypeError", "%s expected at most %d argument%s, "
                        "got %zu", sig->name, sig->nparams,
                        sig->nparams == 1 ? "" : "s", a->nargs);
    for (size_t i = 0; i < a->nargs; i++)
        bound[i] = &a->args[i];
    return 0;
}

/* OBJECT-009: the slot wrappers of 3.12+, one positional argument. */
static int wrapper(const mv_config *cfg, const mv_signature *sig,
                   const mv_args *a, const mv_value *bound[], mv_error *err)
{
    if (a->nkwargs > 0)
        return mv_raise(err, "TypeError", "wrapper %s() takes no keyword "
                        "arguments", sig->name);
    if (a->nargs != 1)
        return mv_raise(err, "TypeError", "%s expected 1 argument, got %zu",
                        cfg->behaviour.named_wrappers ? sig->name : "",
                        a->nargs);
    bound[0] = &a->args[0];
    return 0;
}

static const mv_value *find_keyword(const mv_args *a, const char *name,
                                    size_t *used)
{
    for (size_t k = 0; k < a->nkwargs; k++) {
        if (strcmp(a->kwargs[k].name, name) == 0) {
            (*used)++;
            return &a->kwargs[k].value;
        }
    }
    return NULL;
}

static bool is_parameter(const mv_signature *sig, const char *name)
{
    for (int i = 0; i < sig->nparams; i++)
        if (strcmp(sig->params[i], name) == 0)
            return true;
    return false;
}

/* The keyword errors, once every parameter is bound and some keyword was
   left unused: it names an argument given by position too, or no
   parameter at all (the first such keyword is reported). */
static int extra_keywords(const mv_config *cfg, const mv_signature *sig,
                          const mv_args *a, const char *fname,
                          const char *paren, mv_error *err)
{
    size_t k = 0;

    assert(a->nargs <= (size_t)sig->nparams);
    for (size_t i = 0; i < a->nargs; i++)
        for (size_t j = 0; j < a->nkwargs; j++)
            if (strcmp(a->kwargs[j].name, sig->params[i]) == 0)
                return mv_raise(err, "TypeError", "argument for %s%s given by "
                                "name ('%s') and position (%zu)", fname, paren,
                                sig->params[i], i + 1);
    while (is_parameter(sig, a->kwargs[k].name))
        k++;   /* some keyword is unused, and not a duplicate: unknown */
    assert(k < a->nkwargs);
    if (sig->name == NULL)
        return mv_raise(err, "TypeError", "'%s' is an invalid keyword "
                        "argument for this function", a->kwargs[k].name);
    if (cfg->behaviour.unexpected_keyword)
        return mv_raise(err, "TypeError", "%s() got an unexpected keyword "
                        "argument '%s'", fname, a->kwargs[k].name);
    return mv_raise(err, "TypeError", "'%s' is an invalid keyword argument "
                    "for %s()", a->kwargs[k].name, fname);
}

int mv_parse_args(const mv_config *cfg, const mv_signature *sig,
                  const mv_args *a, const mv_value *bound[], mv_error *err)
{
    const char *fname = sig->name ? sig->name : "function";
    const char *paren = sig->name ? "()" : "";
    size_t given = a->nargs + a->nkwargs, used = 0;

    if (sig->kind == MV_SIG_NOARGS)
        return no_arguments(sig, a, true, err);
    if (sig->kind == MV_SIG_VARARGS)
        return no_arguments(sig, a, cfg->behaviour.qualified_varargs, err);
    if (sig->kind == MV_SIG_O || sig->kind == MV_SIG_POSITIONAL)
        return positional_only(sig, a, bound, err);
    if (sig->kind == MV_SIG_WRAPPER)
        return wrapper(cfg, sig, a, bound, err);
    if (given > (size_t)sig->nparams)
        return mv_raise(err, "TypeError", "%s%s takes at most %d %sargument%s "
                        "(%zu given)", fname, paren, sig->nparams,
                        a->nargs == 0 ? "keyword " : "",
                        sig->nparams == 1 ? "" : "s", given);
    for (int i = 0; i < sig->nparams; i++) {
        bound[i] = (size_t)i < a->nargs ? &a->args[i]
                                        : find_keyword(a, sig->params[i], &used);
        if (i < sig->nrequired && bound[i] == NULL)
            return mv_raise(err, "TypeError", "%s%s missing required argument "
                            "'%s' (pos %d)", fname, paren, sig->params[i],
                            i + 1);
    }
    if (used < a->nkwargs)
        return extra_keywords(cfg, sig, a, fname, paren, err);
    return 0;
}

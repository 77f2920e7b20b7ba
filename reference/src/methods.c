/*
 * methods.c -- the method table: m.name(*args, **kwargs) for every method
 * of a view, bound as CPython binds it, then handed to the chapter that
 * implements it.
 *
 * The table binds each method's arguments the way CPython's argument
 * parsers do (args.c), so that a wrong call fails as CPython's fails,
 * before the method runs (RELEASE-006, TOLIST-007):
 *
 *     m.tolist(1)        TypeError: memoryview.tolist() takes no arguments
 *                        (1 given), even when m is released
 *     m.hex(sep=1, x=2)  TypeError, before hex() looks at sep
 *
 * Which methods exist depends on the version (SEQ-010, OBJECT-004): a
 * method of a later one is an AttributeError, as any unknown name.
 *
 * This file sits above the chapters, as the interface to them: it is the
 * one place that calls each chapter's methods, so that no chapter calls
 * another for this (mvint.h draws the layers).
 */
#include "mvint.h"
#include "args.h"
#include "chapters.h"
#include "refcount.h"
#include "value.h"
#include "view.h"

/* ---- the method table ---------------------------------------------------------- */

typedef int (*method_fn)(mv_view *v, const mv_value *bound[], mv_value *result,
                         mv_error *err);

static int m_tolist(mv_view *v, const mv_value *b[], mv_value *r, mv_error *e)
{
    (void)b;
    return mv_view_tolist(v, r, e);
}

static int m_tobytes(mv_view *v, const mv_value *b[], mv_value *r, mv_error *e)
{
    return mv_view_tobytes(v, b[0], r, e);
}

static int m_hex(mv_view *v, const mv_value *b[], mv_value *r, mv_error *e)
{
    return mv_view_hex(v, b[0], b[1], r, e);
}

static int m_cast(mv_view *v, const mv_value *b[], mv_value *r, mv_error *e)
{
    return mv_view_cast(v, b[0], b[1], r, e);
}

/* RELEASE-002 */
static int m_release(mv_view *v, const mv_value *b[], mv_value *r, mv_error *e)
{
    (void)b;
    *r = mv_none();
    return mv_view_release(v, e);
}

static int m_toreadonly(mv_view *v, const mv_value *b[], mv_value *r,
                        mv_error *e)
{
    (void)b;
    return mv_view_toreadonly(v, r, e);
}

static int m_enter(mv_view *v, const mv_value *b[], mv_value *r, mv_error *e)
{
    (void)b;
    return mv_view_enter(v, r, e);
}

static int m_exit(mv_view *v, const mv_value *b[], mv_value *r, mv_error *e)
{
    (void)b;
    return mv_view_exit(v, r, e);
}

static int m_count(mv_view *v, const mv_value *b[], mv_value *r, mv_error *e)
{
    return mv_view_count(v, b[0], r, e);
}

static int m_index(mv_view *v, const mv_value *b[], mv_value *r, mv_error *e)
{
    return mv_view_index(v, b[0], b[1], b[2], r, e);
}

static int m_buffer(mv_view *v, const mv_value *b[], mv_value *r, mv_error *e)
{
    return mv_view_dunder_buffer(v, b[0], r, e);
}

static int m_release_buffer(mv_view *v, const mv_value *b[], mv_value *r,
                            mv_error *e)
{
    return mv_view_dunder_release_buffer(v, b[0], r, e);
}

typedef struct method {
    mv_signature sig;
    method_fn fn;
    bool (*exists)(const mv_behaviour *b);   /* NULL: in every version */
} method;

static bool since_3_12(const mv_behaviour *b) { return b->has_buffer_methods; }
static bool since_3_14(const mv_behaviour *b) { return b->has_count_index; }

static const method methods[] = {
    { { "tolist", "memoryview.tolist", MV_SIG_NOARGS, 0, 0, { 0 }, "TOLIST-007" },
      m_tolist, NULL },                                  /* TOLIST-007 */
    { { "tobytes", "memoryview.tobytes", MV_SIG_CLINIC, 0, 1, { "order" }, "TOBYTES-006" },
      m_tobytes, NULL },
    { { "hex", "memoryview.hex", MV_SIG_CLINIC, 0, 2,
        { "sep", "bytes_per_sep" }, "HEX-005" }, m_hex, NULL },
    { { "cast", "memoryview.cast", MV_SIG_CLINIC, 1, 2, { "format", "shape" }, "CAST-015" },
      m_cast, NULL },
    { { "release", "memoryview.release", MV_SIG_NOARGS, 0, 0, { 0 }, "RELEASE-002" },
      m_release, NULL },
    { { "toreadonly", "memoryview.toreadonly", MV_SIG_NOARGS, 0, 0, { 0 }, "READONLY-004" },
      m_toreadonly, NULL },
    { { "__enter__", "memoryview.__enter__", MV_SIG_NOARGS, 0, 0, { 0 }, "OBJECT-003" },
      m_enter, NULL },
    { { "__exit__", "memoryview.__exit__", MV_SIG_VARARGS, 0, 0, { 0 }, "RELEASE-003" },
      m_exit, NULL },
    { { "count", "memoryview.count", MV_SIG_O, 1, 1, { 0 }, "SEQ-010" },
      m_count, since_3_14 },
    { { "index", "memoryview.index", MV_SIG_POSITIONAL, 1, 3, { 0 }, "SEQ-010" },
      m_index, since_3_14 },
    { { "__buffer__", "memoryview.__buffer__", MV_SIG_WRAPPER, 1, 1, { 0 }, "OBJECT-009" },
      m_buffer, since_3_12 },
    { { "__release_buffer__", "memoryview.__release_buffer__",
        MV_SIG_WRAPPER, 1, 1, { 0 }, "OBJECT-010" }, m_release_buffer, since_3_12 },
};

/* The rule by which a method is missing: one of a later version than the
   view models; no rule for a name memoryview never had. */
static const char *missing_rule(const char *name)
{
    if (strcmp(name, "count") == 0 || strcmp(name, "index") == 0)
        return "SEQ-010";
    if (strcmp(name, "__buffer__") == 0 || strcmp(name, "__release_buffer__") == 0)
        return "OBJECT-004";
    return NULL;
}

/* SEQ-010, OBJECT-004: the method v.name of the table, its arguments
   bound to bound[]; any other name, or one of a later version, is an
   AttributeError. */
static int bind(mv_view *v, const char *name, const mv_args *a,
                const mv_value *bound[], const method **out, mv_error *err)
{
    const mv_behaviour *vb = &v->base.cfg->behaviour;
    const method *m = NULL;
    mv_signature legacy;

    for (size_t i = 0; i < sizeof methods / sizeof methods[0] && !m; i++)
        if (methods[i].sig.name[0] == name[0]   /* most differ there */
            && strcmp(methods[i].sig.name, name) == 0
            && (methods[i].exists == NULL || methods[i].exists(vb)))
            m = &methods[i];
    if (m == NULL)
        return mv_raise(err, missing_rule(name), "AttributeError", "'memoryview' object has no "
                        "attribute '%.400s'", name);
    *out = m;
    /* 3.9's tobytes() and cast() checked the view before binding their
       arguments (TOBYTES-007, CAST-014), and their parser called them
       "function" (a NULL name) */
    if (vb->legacy_parse && (m->fn == m_tobytes || m->fn == m_cast)) {
        if (mv_view_check_released(v, err) < 0)
            return -1;
        legacy = m->sig;
        legacy.name = NULL;
        return mv_parse_args(v->base.cfg, &legacy, a, bound, err);
    }
    return mv_parse_args(v->base.cfg, &m->sig, a, bound, err);
}

static int view_call(mv_view *v, const char *name, const mv_args *a,
                     mv_value *result, mv_error *err)
{
    const mv_value *bound[4] = { NULL, NULL, NULL };
    const method *m;

    if (bind(v, name, a, bound, &m, err) < 0)
        return -1;
    return m->fn(v, bound, result, err);
}

/* obj.method(*args, **kwargs) */
int mv_call(const mv_value *obj, const char *method, const mv_args *a,
            mv_value *result, mv_error *err)
{
    mv_view *v = mv_as_view(obj);

    if (NEVER(v == NULL))
        return mv_unsupported(err, "%s.%s()", mv_type_name(obj), method);
    return view_call(v, method, a, result, err);
}

/* obj.method(*args, **kwargs), its list handed to sink as it is made:
   tolist() (TOLIST-001), bound as mv_call binds it (TOLIST-007). */
int mv_call_to(const mv_value *obj, const char *name, const mv_args *a,
               const mv_list_sink *sink, mv_error *err)
{
    mv_view *v = mv_as_view(obj);
    const mv_value *bound[4] = { NULL, NULL, NULL };
    const method *m;

    if (NEVER(v == NULL))
        return mv_unsupported(err, "%s.%s()", mv_type_name(obj), name);
    if (bind(v, name, a, bound, &m, err) < 0)
        return -1;
    if (NEVER(m->fn != m_tolist))
        return mv_unsupported(err, "%s() streamed", name);
    return mv_view_tolist_to(v, sink, err);
}

/* m.cast(format[, shape]) with its arguments bound already (CAST-001).
   The format is a str, so the view is checked first, as 3.9 checked it
   before binding (CAST-014) and later versions after the format's type
   (CAST-015): the same outcome. */
int mv_cast(const mv_value *obj, const mv_value *format,
            const mv_value *shape, mv_value *result, mv_error *err)
{
    mv_view *v = mv_as_view(obj);

    assert(format->kind == MV_STR);
    if (NEVER(v == NULL))
        return mv_unsupported(err, "%s.cast()", mv_type_name(obj));
    if (mv_view_check_released(v, err) < 0)
        return -1;
    return mv_view_cast(v, format, shape, result, err);
}

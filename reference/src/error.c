/*
 * error.c -- how a failing operation reports itself.
 *
 * Two kinds of failure, kept apart as the WebAssembly reference keeps a
 * Trap (the program's fault) apart from a Crash (the interpreter's):
 *
 *   MV_RAISED       the Python program did something CPython refuses; the
 *                   error holds the exception's type name and its exact
 *                   message.  This is an outcome, part of the spec.
 *   MV_UNSUPPORTED  the reference does not model what was asked.  A driver
 *                   reports it as "unsupported", never as an outcome, so a
 *                   gap in the model can never pass for a Python answer.
 *
 * A third kind, a bug in this library, is not an error at all: it is an
 * assert().
 *
 * Errors travel by return value (0 or -1) and an mv_error the caller owns;
 * there is no global "current exception".  Every raising function returns
 * -1 so that call sites read `return mv_raise(err, ...)`.
 *
 * An exception may also come from the host (mvref.h, section 10): the code
 * of an object's __index__ raised it.  Its error names the host, which
 * keeps the exception itself; whether it is a ValueError, say, only the
 * host can tell, since its class may be any subclass.
 */
#include <stdarg.h>
#include <stdio.h>

#include "mvint.h"

int mv_fail(mv_error *err, mv_failure failure, const char *type,
            const char *fmt, ...)
{
    va_list ap;

    assert(err != NULL);
    err->failure = failure;
    err->type = type;
    err->host = NULL;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return -1;
}

int mv_no_memory(mv_error *err)
{
    return mv_raise(err, "MemoryError", "%s", "");
}

/* The library raises the builtin types by their own names; what the host's
   code raised, the host knows the class of. */
bool mv_error_matches(const mv_error *err, const char *type)
{
    assert(err->failure == MV_RAISED);
    if (err->host != NULL)
        return err->host->raised(err, type);
    return strcmp(err->type, type) == 0;
}

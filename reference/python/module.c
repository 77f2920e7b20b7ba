/*
 * module.c -- the module mvref: which CPython it models, and how the
 * library's errors become Python exceptions.
 *
 * The library models one CPython version per view (mv_config): chosen when
 * the view's exporter is first wrapped, and kept by every view derived from
 * it.  By default that is the running interpreter's version; MVREF_PYTHON
 * in the environment, or mvref.set_python("3.12"), picks another for views
 * made afterwards.  The platform is always the running one: the memory
 * comes from real CPython objects, whose native sizes are this machine's.
 *
 * Errors.  A library error carries CPython's exception type name and exact
 * message; mvref raises the builtin exception of that name with that
 * message, so that `except IndexError` and str(e) behave as with the
 * builtin memoryview.  An error of kind MV_UNSUPPORTED ("the reference does
 * not model that") is not a Python outcome at all: it raises
 * mvref.Unsupported, which no memoryview program would ever catch by
 * accident.  An exception that the code of an object's own method raised
 * (an __index__ called by m[i]) is raised again as that very object
 * (host.c).
 */
#include <stdio.h>
#include <stdlib.h>

#include "mvrefpy.h"

#define MVREF_VERSION "0.1.0"
#define OLDEST_MINOR MVPY_OLDEST_MINOR
#define NEWEST_MINOR MVPY_NEWEST_MINOR

PyObject *mvpy_Unsupported;
static PyObject *builtins;

/* One configuration per modelled version, made on first use and never
   freed: every library object points at the one it lives in. */
static mv_config configs[NEWEST_MINOR + 1];
static bool made[NEWEST_MINOR + 1];
static int current_minor;

const mv_config *mvpy_config(void)
{
    return &configs[current_minor];
}

/* Choose the version new views model: "3.X", X in 9..15.  -1 (ValueError)
   for any other. */
static int choose(const char *version)
{
    mv_error err;
    int major, minor;
    char tail;

    if (sscanf(version, "%d.%d%c", &major, &minor, &tail) != 2 || major != 3
        || minor < OLDEST_MINOR || minor > NEWEST_MINOR) {
        PyErr_Format(PyExc_ValueError, "mvref models Python 3.%d to 3.%d, "
                     "not '%.20s'", OLDEST_MINOR, NEWEST_MINOR, version);
        return -1;
    }
    if (!made[minor]) {
        if (mv_config_init(&configs[minor], version,
                           (int)(8 * sizeof(void *)), &err) < 0)
            return mvpy_raise_int(&err);
        made[minor] = true;
    }
    current_minor = minor;
    return 0;
}

/* A UnicodeEncodeError is made from its parts, not from a message
   (encoding, object, start, end, reason), and str() of it puts them
   together again.  The library gives the message CPython's str() gives;
   rebuild parts that say the same: the offending character at `start` of
   an otherwise plain object.  Both of CPython's wordings are read. */
static PyObject *unicode_encode_error(const char *message)
{
    char encoding[64];
    unsigned long bad = '?';
    Py_ssize_t start, end;
    PyObject *object, *error;
    int reason = 0;

    if (sscanf(message, "'%63[^']' codec can't encode character '\\%*1[xuU]%lx' "
               "in position %zd: %n", encoding, &bad, &start, &reason) == 3
        && reason > 0)
        end = start + 1;
    else if (sscanf(message, "'%63[^']' codec can't encode characters in "
                    "position %zd-%zd: %n", encoding, &start, &end,
                    &reason) == 3 && reason > 0)
        end += 1;
    else
        return PyErr_Format(PyExc_SystemError, "mvref: cannot rebuild "
                            "UnicodeEncodeError(%s)", message);
    object = PyUnicode_New(end, 0x10ffff);
    if (object == NULL)
        return NULL;
    for (Py_ssize_t i = 0; i < end; i++)
        PyUnicode_WriteChar(object, i, i < start ? '?' : (Py_UCS4)bad);
    error = PyObject_CallFunction(PyExc_UnicodeEncodeError, "sOnns", encoding,
                                  object, start, end, message + reason);
    Py_DECREF(object);
    if (error != NULL) {
        PyErr_SetObject(PyExc_UnicodeEncodeError, error);
        Py_DECREF(error);
    }
    return NULL;
}

/* The exception err describes, set as the current one. */
static void set_exception(const mv_error *err)
{
    PyObject *type, *message;

    if (mvpy_host_restore(err))   /* the program's own exception, as it is */
        return;
    if (err->failure == MV_UNSUPPORTED) {
        PyErr_SetString(mvpy_Unsupported, err->message);
        return;
    }
    if (strcmp(err->type, "UnicodeEncodeError") == 0) {
        unicode_encode_error(err->message);
        return;
    }
    type = PyObject_GetAttrString(builtins, err->type);
    if (type == NULL || !PyExceptionClass_Check(type)) {
        Py_XDECREF(type);
        PyErr_Format(PyExc_SystemError, "mvref: the library raised an "
                     "unknown exception type '%s'", err->type);
        return;
    }
    /* A message may have been cut inside a UTF-8 sequence (the library
       keeps MV_MESSAGE_MAX bytes): decode what is there. */
    message = PyUnicode_DecodeUTF8(err->message, (Py_ssize_t)strlen(err->message),
                                   "replace");
    if (message != NULL && PyUnicode_GET_LENGTH(message) == 0)
        PyErr_SetNone(type);           /* MemoryError(), StopIteration() */
    else if (message != NULL)
        PyErr_SetObject(type, message);
    Py_XDECREF(message);
    Py_DECREF(type);
}

/* Raise err, with the rule that raised it as the exception's note
   (teach.c). */
PyObject *mvpy_raise(const mv_error *err)
{
    set_exception(err);
    if (err->rule != NULL && err->failure == MV_RAISED)
        mvpy_add_rule_note(err->rule);
    return NULL;
}

int mvpy_raise_int(const mv_error *err)
{
    mvpy_raise(err);
    return -1;
}

/* ---- module functions --------------------------------------------------------- */

static PyObject *set_python(PyObject *module, PyObject *arg)
{
    const char *version;

    (void)module;
    if (!PyUnicode_Check(arg)) {
        PyErr_Format(PyExc_TypeError, "set_python() wants a version like "
                     "'3.12', not %.200s", Py_TYPE(arg)->tp_name);
        return NULL;
    }
    version = PyUnicode_AsUTF8(arg);
    if (version == NULL || choose(version) < 0
        || mvpy_view_follow_version() < 0)
        return NULL;
    Py_RETURN_NONE;
}

static PyObject *python(PyObject *module, PyObject *unused)
{
    (void)module;
    (void)unused;
    return PyUnicode_FromFormat("3.%d", current_minor);
}

static PyObject *alloc_live(PyObject *module, PyObject *unused)
{
    (void)module;
    (void)unused;
    return PyLong_FromLong(mv_alloc_live());
}

/* The library's allocation-failure hook (mvref.h, section 8), so that a
   test can fail each allocation an mvref operation makes -- external.c's
   among them, which only a host reaches. */
static PyObject *fail_allocation(PyObject *module, PyObject *arg)
{
    long n = PyLong_AsLong(arg);

    (void)module;
    if (n == -1 && PyErr_Occurred())
        return NULL;
    if (n < 0) {
        PyErr_SetString(PyExc_ValueError, "_fail_allocation() wants n >= 0");
        return NULL;
    }
    mv_alloc_fail_at(n);
    Py_RETURN_NONE;
}

static PyObject *failed_allocation(PyObject *module, PyObject *unused)
{
    const char *site = mv_alloc_failed_site();

    (void)module;
    (void)unused;
    if (site == NULL)
        Py_RETURN_NONE;
    return PyUnicode_FromString(site);
}

/* The library's fast paths (mvref.h, section 8): on or off, so that a
   test or a fuzzer can run the same operations both ways in one process.
   MVREF_GENERIC=1 in the environment turns them off from the start. */
static PyObject *fast_paths(PyObject *module, PyObject *unused)
{
    (void)module;
    (void)unused;
    return PyBool_FromLong(mv_fast_paths());
}

static PyObject *set_fast_paths(PyObject *module, PyObject *arg)
{
    int on = PyObject_IsTrue(arg);

    (void)module;
    if (on < 0)
        return NULL;
    mv_fast_paths_set(on);
    Py_RETURN_NONE;
}

static PyMethodDef functions[] = {
    {"layout", (PyCFunction)(void (*)(void))mvpy_layout, METH_VARARGS | METH_KEYWORDS,
     "layout(m, name='m')\n--\n\n"
     "A diagram of where the items of the view m lie in its exporter's\n"
     "memory: the bytes, the items of the exporter's own layout and of m\n"
     "marked on them, pointer tables, and a grid for 2-D and 3-D views.\n"
     "It prints as text; .svg() gives the same picture as SVG.  Works for\n"
     "a builtin memoryview too, and for any object that lends a buffer."},
    {"set_python", set_python, METH_O,
     "set_python(version)\n--\n\n"
     "Model CPython `version` (\"3.9\" .. \"3.15\") in views made from now on,\n"
     "and give the type that version's attributes (memoryview.count is 3.14's).\n"
     "Views already made keep the version they were made with, and its\n"
     "attributes."},
    {"python", python, METH_NOARGS,
     "python()\n--\n\nThe CPython version new views model, as \"3.X\"."},
    {"_alloc_live", alloc_live, METH_NOARGS,
     "_alloc_live()\n--\n\n"
     "Blocks the C library has allocated and not yet freed: a leak check\n"
     "that needs no tool (reference/src/alloc.c)."},
    {"_fail_allocation", fail_allocation, METH_O,
     "_fail_allocation(n)\n--\n\n"
     "Make the library's n-th allocation from now fail, that one only\n"
     "(n = 0: none); a test hook (mv_alloc_fail_at)."},
    {"_failed_allocation", failed_allocation, METH_NOARGS,
     "_failed_allocation()\n--\n\n"
     "The call site ('reference/src/view.c:123') of the allocation the hook\n"
     "made fail since it was armed, or None."},
    {"_fast_paths", fast_paths, METH_NOARGS,
     "_fast_paths()\n--\n\n"
     "Whether the library takes its fast paths (reference/src/fast.c):\n"
     "False under MVREF_GENERIC=1, or after _set_fast_paths(False)."},
    {"_set_fast_paths", set_fast_paths, METH_O,
     "_set_fast_paths(on)\n--\n\n"
     "Turn the library's fast paths on or off from now on; each gives the\n"
     "outcome of the generic path beside it, sooner."},
    {NULL, NULL, 0, NULL}
};

PyDoc_STRVAR(module_doc,
"mvref -- the mvspec C reference of memoryview, importable from Python.\n"
"\n"
"mvref.memoryview(obj) behaves as the builtin memoryview(obj), and every\n"
"operation on it -- indexing, slicing, assignment, cast, tolist, hash,\n"
"comparison, release -- is carried out by the reference library\n"
"(reference/src), not by CPython's memoryview.  The exporter is real:\n"
"a bytearray under an mvref view counts the export and refuses to resize.\n"
"\n"
"    >>> import mvref\n"
"    >>> ba = bytearray(b'abc')\n"
"    >>> m = mvref.memoryview(ba)\n"
"    >>> m[1], bytes(m[::-1])\n"
"    (98, b'cba')\n"
"\n"
"mvref.set_python('3.12') models another CPython version (3.9 to 3.15) in\n"
"views made afterwards; so does MVREF_PYTHON=3.12 in the environment.\n"
"What the library does not model raises mvref.Unsupported.");

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "mvref", module_doc, -1, functions,
    NULL, NULL, NULL, NULL
};

static int initial_version(void)
{
    const char *chosen = getenv("MVREF_PYTHON");
    char running[16];

    if (chosen != NULL && *chosen != '\0')
        return choose(chosen);
    snprintf(running, sizeof running, "%d.%d", PY_MAJOR_VERSION,
             PY_MINOR_VERSION);
    return choose(running);
}

PyMODINIT_FUNC PyInit_mvref(void)
{
    PyObject *m = PyModule_Create(&module_def);

    if (m == NULL)
        return NULL;
    mvpy_values_init();
    builtins = PyImport_ImportModule("builtins");
    mvpy_Unsupported = PyErr_NewExceptionWithDoc(
        "mvref.Unsupported",
        "The reference library does not model this (a gap, not a Python "
        "outcome).", NULL, NULL);
    if (builtins == NULL || mvpy_Unsupported == NULL
        || PyModule_AddObjectRef(m, "Unsupported", mvpy_Unsupported) < 0
        || PyModule_AddStringConstant(m, "__version__", MVREF_VERSION) < 0
        || initial_version() < 0 || mvpy_lease_init_type() < 0
        || mvpy_view_init_type(m) < 0 || mvpy_iter_init_types(m) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}

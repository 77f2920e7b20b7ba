/*
 * module.c -- the module mvspec_exporter (exporter.h says what it is for).
 *
 *     >>> import mvspec_exporter
 *     >>> mvspec_exporter.check(b'abc')
 *     []
 *     >>> nd = mvspec_exporter.ndarray([1, 2, 3], shape=[3], faults=['no-shape-under-nd'])
 *     >>> mvspec_exporter.check(nd)[0]
 *     'EXPORTER-012 PyBUF_ND (0x8) shape: NULL, though the request asks for the shape'
 */
#include "exporter.h"

static PyMethodDef methods[] = {
    {"check", mvx_check, METH_O,
     "check(obj) -> list of str\n\nAsk obj for a buffer with every request of the "
     "buffer protocol and judge each rule of the exporter's contract (chapter 16 "
     "of the mvspec specification): one line per violation, naming the rule, the "
     "request and the field. An empty list: obj keeps every rule checked."},
    {"examine", mvx_examine, METH_O,
     "examine(obj) -> dict\n\nThe checker's whole report: 'rules' (id -> title, "
     "checks made, violations), 'violations' (dicts: rule, request, flags, field, "
     "message), 'requests' (each request, granted or refused and why), and "
     "'refcounts' (whether obj's reference count could be observed)."},
    {NULL, NULL, 0, NULL}
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "mvspec_exporter",
    "The exporter's side of the buffer protocol: check(obj) judges an exporter "
    "by the rules of chapter 16 of the mvspec specification; ndarray is an "
    "exporter of any layout, with faults to switch on.",
    -1, methods, NULL, NULL, NULL, NULL
};

static int add(PyObject *m, const char *name, PyObject *value)
{
    if (value == NULL)
        return -1;
    if (PyModule_AddObject(m, name, value) < 0) {
        Py_DECREF(value);
        return -1;
    }
    return 0;
}

PyMODINIT_FUNC PyInit_mvspec_exporter(void)
{
    PyObject *m;

    if (PyType_Ready(&mvx_ndarray_type) < 0)
        return NULL;
    m = PyModule_Create(&module);
    if (m == NULL)
        return NULL;
    Py_INCREF(&mvx_ndarray_type);
    if (add(m, "ndarray", (PyObject *)&mvx_ndarray_type) < 0
        || add(m, "RULES", mvx_rules()) < 0
        || add(m, "REQUESTS", mvx_requests()) < 0
        || add(m, "FAULTS", mvx_fault_names()) < 0
        || PyModule_AddIntConstant(m, "ND_WRITABLE", MVX_ND_WRITABLE) < 0
        || PyModule_AddIntConstant(m, "ND_FORTRAN", MVX_ND_FORTRAN) < 0
        || PyModule_AddIntConstant(m, "ND_PIL", MVX_ND_PIL) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}

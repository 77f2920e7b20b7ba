/*
 * teach.c -- what mvref adds for a learner at the REPL: the rule behind
 * every exception, and a picture of a view's memory.
 *
 * Notes.  The library names, in each error, the rule of spec/memoryview.md
 * that raised it (mv_error.rule).  mvref attaches it to the exception as a
 * PEP 678 note, "mvspec rule SLICE-004: <the rule's sentence>", which a
 * traceback prints under the message (3.11+) and `e.__notes__` holds on
 * every version; str(e) stays CPython's exact words.  The sentences come
 * from the spec itself: the build writes them into build/python/gen/rules.h
 * (reference/python/rules.py), so they cannot drift from it.
 *
 * Layout.  mvref.layout(m) draws where the items of the view m lie in its
 * exporter's memory.  The drawing is the harness's (harness/layout/, which
 * `python3 -m harness explain` draws cases with), shipped beside this
 * module as the package mvlayout: the REPL and the harness draw with the
 * same code.
 */
#include <string.h>

#include "mvrefpy.h"
#include "rules.h"          /* mvpy_rules[]: generated from the spec */

static const char *rule_sentence(const char *rule)
{
    for (size_t i = 0; i < sizeof mvpy_rules / sizeof mvpy_rules[0]; i++)
        if (mvpy_rules[i].id != NULL && strcmp(mvpy_rules[i].id, rule) == 0)
            return mvpy_rules[i].sentence;
    return NULL;
}

/* Add "mvspec rule ID: sentence" to the notes of the exception being
   raised.  A note is a help, never a new failure: if it cannot be made,
   the exception goes on without it. */
void mvpy_add_rule_note(const char *rule)
{
    /* The attribute's name, made once: a fresh "__notes__" string per
       exception would be kept by the type's attribute cache, one per
       lookup, until that cache slot is taken again. */
    static PyObject *notes_name;
    PyObject *type, *value, *tb, *note, *notes;
    const char *sentence = rule_sentence(rule);

    PyErr_Fetch(&type, &value, &tb);
    PyErr_NormalizeException(&type, &value, &tb);
    if (notes_name == NULL)
        notes_name = PyUnicode_InternFromString("__notes__");
    note = notes_name == NULL ? NULL : sentence != NULL
        ? PyUnicode_FromFormat("mvspec rule %s: %s", rule, sentence)
        : PyUnicode_FromFormat("mvspec rule %s", rule);
    notes = note != NULL && value != NULL
        ? PyObject_GetAttr(value, notes_name) : NULL;
    if (note != NULL && value != NULL && notes == NULL) {
        PyErr_Clear();                         /* none yet: PEP 678 makes the list */
        notes = PyList_New(0);
        if (notes != NULL && PyObject_SetAttr(value, notes_name, notes) < 0)
            Py_CLEAR(notes);
    }
    if (notes == NULL || !PyList_Check(notes) || PyList_Append(notes, note) < 0)
        PyErr_Clear();
    Py_XDECREF(notes);
    Py_XDECREF(note);
    PyErr_Restore(type, value, tb);
}

/* mvref.layout(m, name='m'): mvlayout.layout(m, name), the diagram of a
   live view (or of any object that lends a buffer). */
PyObject *mvpy_layout(PyObject *module, PyObject *args, PyObject *kwargs)
{
    PyObject *drawing = PyImport_ImportModule("mvlayout"), *draw, *diagram;

    (void)module;
    if (drawing == NULL) {
        if (PyErr_ExceptionMatches(PyExc_ImportError))
            PyErr_SetString(PyExc_ImportError, "mvref.layout() draws with the "
                            "package mvlayout, which `make mvref` puts beside "
                            "the module (build/python/mvlayout)");
        return NULL;
    }
    draw = PyObject_GetAttrString(drawing, "layout");
    Py_DECREF(drawing);
    if (draw == NULL)
        return NULL;
    diagram = PyObject_Call(draw, args, kwargs);
    Py_DECREF(draw);
    return diagram;
}

"""Differential fuzzing against CPython, and shrinking (issue 12).

The suite asks only the questions its templates know. This package asks
others: random programs in the case vocabulary, run on CPython and on a
candidate implementation, compared by the harness's rules; a divergence is
shrunk to the smallest program that still shows it and printed as a
reproducer, a case line and a template entry, so that it joins the suite.

    choices.py    where a program's random choices come from (a seed, or
                  Hypothesis), and the bridge that hands a seeded program
                  to Hypothesis's shrinker
    programs.py   the program generator
    sides.py      running a program: in this process (mvadapter.py loaded as
                  a module, with the builtin memoryview or mvref's), or
                  through any adapter; which CPython to compare with
    differ.py     comparing the two runs; the signature of a divergence
    reduce.py     delta debugging of a program
    engine.py     the fuzzing loop: explore, shrink, re-check
    findings.py   a divergence as a reproducer, case line and template entry
    shrink.py     `harness shrink`: a failing case of the suite, shrunk
    command.py    the command lines (fuzz, shrink)
    examples.jsonl  saved programs, replayed first by every run

Nothing here is imported by the other commands: Hypothesis loads only when
fuzz or shrink runs.
"""

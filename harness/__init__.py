"""mvspec's harness: generate cases from spec/, record CPython's outcomes,
run implementations through adapters, compare and report."""

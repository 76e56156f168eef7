"""Test and benchmark tooling kept out of the installed package: synthetic ledgers (``synthetic``,
``loadgen``), the month-end seed script (``seed_surge``) and the `luoshi serve` harness (``harness``).
Benchmarks import it as ``tests.support`` with the checkout on ``sys.path``."""

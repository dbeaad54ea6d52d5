import time

from django.core.management.base import BaseCommand, CommandError

from evaluations.synthetic import PROGRAM, SCALES, generate


class Command(BaseCommand):
    help = "Write a deterministic synthetic data set (program SYNTH) for the benchmarks."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--scale", choices=list(SCALES), default="S")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, scale: str, seed: int, **options) -> None:
        started = time.perf_counter()
        try:
            counts = generate(scale, seed)
        except ValueError as error:
            raise CommandError(str(error), returncode=2) from None
        summary = ", ".join(f"{count} {name}" for name, count in counts.items())
        seconds = time.perf_counter() - started
        self.stdout.write(f"{PROGRAM} at scale {scale}: {summary} ({seconds:.1f} s).")

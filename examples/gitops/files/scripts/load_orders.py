"""Loads an orders CSV export into the warehouse."""
import csv
import sys


def main(path: str) -> None:
    with open(path, newline="") as handle:
        rows = list(csv.DictReader(handle))
    print(f"loaded {len(rows)} orders")


if __name__ == "__main__":
    main(sys.argv[1])

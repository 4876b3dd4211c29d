"""The `policyqa` command: parse, call the library, print. One module per command (index, ask, eval,
tune, compare; bench in qa.bench.cli, the PostgreSQL side in store); this one builds the parser, runs
the command and turns what escapes it into an exit code.

Heavy imports (numpy, torch, faiss, sentence-transformers) happen inside the commands that need them,
so `policyqa --help` and argument errors answer at once. A user error is one line on stderr: exit code 2
for a bad argument or input (flags, ids, a questions file), 1 when the work cannot be done (the index
or model cannot be used, a policy file or policies.toml cannot be read, the index cannot be written,
another build holds the lock). Only a bug prints a traceback, with a request to report it, and exits
70. Text that comes from policies or files is printed with control characters escaped, so a policy
cannot drive the terminal.
"""

from __future__ import annotations

import argparse
import sys
import traceback

from qa.bench.cli import add_bench_parser
from qa.cli.ask import add_ask_parser
from qa.cli.compare import add_compare_parser
from qa.cli.eval import add_eval_parser
from qa.cli.index import add_index_parser
from qa.cli.output import terminal_safe
from qa.cli.tune import add_tune_parser, old_tune_form
from qa.errors import EXIT_BUG, EXIT_FAILURE, UserError, as_store_error, exit_code


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="policyqa", description="Ask what privacy policies say; every answer is a cited quotation.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_index_parser(commands)
    add_ask_parser(commands)
    add_eval_parser(commands)
    add_tune_parser(commands)
    add_bench_parser(commands)
    add_compare_parser(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    old_form = old_tune_form(sys.argv[1:] if argv is None else argv)
    if old_form:
        parser.exit(2, f"policyqa: error: {old_form}\n")
    args = parser.parse_args(argv)
    try:
        if getattr(args, "k", 1) < 1:
            raise UserError(f"k must be >= 1, got {args.k}")
        return args.func(args)
    except KeyboardInterrupt:
        print("policyqa: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head` and friends
        sys.stderr.close()
        return 0
    except Exception as err:  # one line for the errors we know, a traceback for real bugs
        return report_error(err)


def report_error(err: Exception) -> int:
    """One line and the exit code for an error the user can act on (those of qa.errors, and an OSError:
    a full disk, a read-only or missing folder, a permission); the traceback and EXIT_BUG for anything
    else, a plain ValueError included: that is a bug, not a bad input."""
    err = as_store_error(err)  # a server that stopped or froze is a failure to report, not a bug
    code = exit_code(err)
    if code is not None:
        print(f"policyqa: error: {terminal_safe(err)}", file=sys.stderr)
        return code
    if isinstance(err, OSError):
        where = f"{err.filename}: " if err.filename else ""
        print(f"policyqa: error: {terminal_safe(where)}{terminal_safe(err.strerror or err)}", file=sys.stderr)
        return EXIT_FAILURE
    traceback.print_exc()
    print("policyqa: internal error: this is a bug in policyqa; please report it with the traceback above "
          "and the command you ran", file=sys.stderr)
    return EXIT_BUG


if __name__ == "__main__":
    sys.exit(main())

"""The command line's PostgreSQL side: `--store URL` (or $POLICYQA_STORE) on index build/add/remove/status,
ask and eval, `--shard I/N` and `index publish`. The other commands hand over here when a store is chosen."""

from __future__ import annotations

import argparse
import sys

from qa.cli.output import terminal_safe
from qa.errors import EXIT_FAILURE, BuildError, IndexUnavailable, UserError
from qa.index.open import ENV_STORE  # backends are imported by the commands that use them

EVAL_SCHEMA = "policyqa_eval"  # eval --squad (or another model) indexes its corpus here, beside the product's


def add_store_option(p: argparse.ArgumentParser, build: bool = False) -> None:
    p.add_argument("--store", metavar="URL",
                   help=f"the index in PostgreSQL (postgresql://...) instead of a folder (default: ${ENV_STORE} "
                        "unless --index is given)")
    if build:
        p.add_argument("--shard", metavar="I/N",
                       help="with --store: index only the policies whose id hashes to shard I of N (N workers "
                            "fill one index; the last to finish publishes it)")
        p.add_argument("--no-publish", action="store_true",
                       help="with --store: leave the finished index for `policyqa index publish`")


def add_publish_parser(index_sub) -> None:
    publish = index_sub.add_parser("publish", help="with --store: switch readers to the newest finished build")
    add_store_option(publish)
    publish.set_defaults(func=cmd_index_publish)


def store_of(args: argparse.Namespace) -> str | None:
    """The store URL the command uses: --store, else $POLICYQA_STORE unless --index was given; None: the folder."""
    from qa.errors import StoreError
    from qa.index.open import store_location

    try:
        return store_location(getattr(args, "store", None), getattr(args, "index", None))
    except StoreError as err:
        raise UserError(str(err)) from None


def cmd_index_build_store(args: argparse.Namespace) -> int:
    """`index build|add|remove --store URL`: build the policies folder into the store."""
    from qa.config import BuildSettings, policies_dir
    from qa.embed.load import load_embedder
    from qa.index.open import build_store, parse_shard

    url = store_of(args)
    assert url is not None, "called only when a store is chosen"
    try:
        settings = BuildSettings.from_env(model=args.model, chunk_size=args.chunk_size,
                                          chunk_overlap=args.chunk_overlap)
        shard = parse_shard(url, args.shard) if getattr(args, "shard", None) else (0, 1)
    except ValueError as err:
        raise UserError(str(err)) from None
    try:
        report = build_store(url, policies_dir(args.policies), settings, lambda: load_embedder(settings.model),
                             shard=shard, full=args.full, publish=not getattr(args, "no_publish", False),
                             max_bytes=int(args.max_mb * 1_000_000))
    except BuildError as err:
        raise UserError(str(err), EXIT_FAILURE) from None
    if not getattr(args, "no_publish", False) and shard[1] == 1:  # this machine's cache; each answering one has its own
        from qa.cli.read_ahead import read_practices_after_build

        read_practices_after_build(url, args.quiet)
    lines = [f"warning: {w}" for w in report.warnings] + [f"note: {s}" for s in report.skipped] + [
        f"error: {e}" + (" (kept its previously indexed version)" if e.path.stem in report.kept_previous else "")
        for e in report.errors]
    for line in lines:
        print(terminal_safe(line), file=sys.stderr)
    if not args.quiet or report.errors:
        where = f" (shard {shard[0]}/{shard[1]})" if shard[1] > 1 else ""
        print(f"{report.summary()}{where}")
    return EXIT_FAILURE if report.errors else 0


def store_manifest(url: str) -> dict:
    """`index status --store URL`: the published generation's manifest (shaped as a folder index's, plus
    "store", "generation" and "building"); builds in progress are noted on stderr.

    Raises IndexUnavailable (one line) when the store has nothing published.
    """
    from qa.index.open import redact_url, store_status
    from qa.index.store import REBUILD_HINT

    status = store_status(url)
    for build in status["building"]:
        done = ", ".join(str(s) for s in build["done"]) or "none"
        print(terminal_safe(f"note: generation {build['generation']} is {build['state']}: shards done {done} "
                            f"of {build['shards']}"), file=sys.stderr)
    if status["manifest"] is None:
        raise IndexUnavailable(f"no index in the store {redact_url(url)}: {REBUILD_HINT} --store URL")
    return {**status["manifest"], "building": status["building"]}


def cmd_index_publish(args: argparse.Namespace) -> int:
    from qa.index.open import publish_store

    url = store_of(args)
    if url is None:
        raise UserError(f"publish needs --store URL (or ${ENV_STORE}); a folder index is published by its build")
    try:
        generation = publish_store(url)
    except BuildError as err:
        raise UserError(str(err), EXIT_FAILURE) from None
    print(f"published generation {generation}")
    return 0


def known_policies(url: str) -> dict:
    """The store's published policies (id -> manifest entry), read without loading the model."""
    return published_manifest(url)["policies"]


def published_manifest(url: str) -> dict:
    """The manifest of the store's published index (shaped as a folder index's), read without loading the
    model; IndexUnavailable (one line) when nothing is published."""
    from qa.index.open import index_manifest

    return index_manifest(url)


def open_eval_engine(url: str, folder, settings, reranker: str | None, model: str | None, built_for_eval: bool):
    """The engine `policyqa eval --store` measures: the store itself, or, when eval built a folder index of
    its own corpus (--squad, --model, --chunk-size), that corpus built into the schema `policyqa_eval` of
    the same database, reusing the folder's vectors so both stores are measured on the same embeddings."""
    from qa.index.open import build_store
    from qa.search.engine import open_engine

    if not built_for_eval:
        return open_engine(url, model=model, reranker=reranker)
    build_store(url, folder.parent / "policies", settings, None, schema=EVAL_SCHEMA, vectors_of=folder)
    return open_engine(url, model=model, reranker=reranker, schema=EVAL_SCHEMA)

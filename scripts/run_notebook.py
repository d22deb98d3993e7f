"""Execute a notebook headlessly with nbclient, report progress as JSON lines, sign it, export HTML.

Driven by `npm run report` (cli/report.ts), which owns the file names and the final renames:
this script only writes the two paths it is given. Runs under any Python with nbclient,
nbconvert and nbformat (Debian: python3-nbclient, jupyter-nbconvert).

One JSON object per stdout line:
  {"event": "start", "cells": N, "code": C}
  {"event": "cell", "index": i, "code": k, "first": "first source line"}       (before a code cell)
  {"event": "cell-done", "index": i, "seconds": s, "cpu": c}                   (c: the kernel's CPU seconds, when known)
  {"event": "error", "index": i, "first": ..., "ename": ..., "evalue": ..., "traceback": [...]}
  {"event": "kernel", "cpu": c}                                                (the kernel started; its CPU seconds so far)
  {"event": "executed", "seconds": s}
  {"event": "html", "html": path}                                               (nbconvert's HTML written)
  {"event": "written", "notebook": path, "html": path}
Exit status: 0 on success, 1 when a cell fails or the kernel dies, 2 on bad usage.
"""
import argparse
import importlib
import importlib.util
import json
import os
import sys
import threading
import time


def emit(**event):
    sys.stdout.write(json.dumps(event) + "\n")
    sys.stdout.flush()


def first_line(cell):
    """The first line of code of a cell (comments skipped unless the cell has nothing else)."""
    lines = [line.strip() for line in cell.source.splitlines() if line.strip()]
    code = [line for line in lines if not line.startswith("//")]
    return (code or lines or [""])[0][:120]


def process_cpu_seconds(pid):
    """User + system CPU seconds of a running process (Linux /proc), or None where unknown."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return round((int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK"), 2)
    except (OSError, ValueError, IndexError, AttributeError):
        return None


def kernel_pid(client):
    """The kernel process's id, when nbclient started it as a local process."""
    process = getattr(getattr(getattr(client, "km", None), "provisioner", None), "process", None)
    return getattr(process, "pid", None)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("notebook")
    ap.add_argument("--out-notebook", required=True)
    ap.add_argument("--out-html", required=True)
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--cwd", required=True, help="kernel working directory (the notebook's folder)")
    ap.add_argument("--title", default="Notebook")
    ap.add_argument("--timeout", type=int, required=True, help="seconds per cell (the report passes lib/defaults.ts DEFAULT_CELL_TIMEOUT_SECONDS or --timeout)")
    ap.add_argument("--startup-timeout", type=int, default=120)
    args = ap.parse_args()

    # nbconvert is needed only after the cells ran: it is imported on a thread while the kernel starts
    # and runs (the kernel is another process; this one mostly waits), not before the kernel starts.
    for module in ("nbformat", "nbclient", "nbconvert"):
        if importlib.util.find_spec(module) is None:
            emit(event="missing", module=f"No module named '{module}'")
            return 3
    exporter_import = {}

    def import_exporter():
        try:
            exporter_import["module"] = importlib.import_module("nbconvert")
        except ImportError as err:
            exporter_import["error"] = err

    exporter_thread = threading.Thread(target=import_exporter, daemon=True)
    exporter_thread.start()
    try:
        import nbformat
        from nbclient import NotebookClient
        from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
        from nbformat.sign import NotebookNotary
    except ImportError as err:
        emit(event="missing", module=str(err))
        return 3

    nb = nbformat.read(args.notebook, as_version=4)
    code_cells = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    emit(event="start", cells=len(nb.cells), code=len(code_cells))
    started = {}

    def on_cell_start(cell, cell_index):
        if cell.cell_type != "code":
            return
        if not started:
            emit(event="kernel", cpu=process_cpu_seconds(kernel_pid(client)))
        started[cell_index] = time.time()
        emit(
            event="cell",
            index=cell_index,
            code=code_cells.index(cell_index) + 1,
            first=first_line(cell),
            tags=list(cell.metadata.get("tags", [])),
        )

    def on_cell_executed(cell, cell_index, execute_reply):
        if cell_index in started:
            seconds = round(time.time() - started[cell_index], 3)
            emit(event="cell-done", index=cell_index, seconds=seconds, cpu=process_cpu_seconds(kernel_pid(client)))

    failure = {}

    def on_cell_error(cell, cell_index, execute_reply):
        content = execute_reply.get("content", {})
        ename, evalue, traceback = content.get("ename") or "", content.get("evalue") or "", content.get("traceback") or []
        # tslab reports some failures (compile errors, rejected awaits) only as outputs.
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                ename = ename or out.get("ename", "")
                evalue = evalue or out.get("evalue", "")
                traceback = traceback or out.get("traceback", [])
            elif out.get("output_type") == "stream" and out.get("name") == "stderr" and not traceback:
                traceback = out.get("text", "").splitlines()
        failure.update(index=cell_index, first=first_line(cell), ename=ename, evalue=evalue, traceback=traceback)

    client = NotebookClient(
        nb,
        kernel_name=args.kernel,
        timeout=args.timeout,
        startup_timeout=args.startup_timeout,
        resources={"metadata": {"path": args.cwd}},
        on_cell_start=on_cell_start,
        on_cell_executed=on_cell_executed,
        on_cell_error=on_cell_error,
    )
    t0 = time.time()
    try:
        client.execute()
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as err:
        if not failure:
            index = max(started) if started else -1
            failure.update(
                index=index,
                first=first_line(nb.cells[index]) if index >= 0 else "",
                ename=type(err).__name__,
                evalue=str(err).strip().splitlines()[0] if str(err).strip() else "",
                traceback=[],
            )
        emit(event="error", **failure)
        return 1
    except Exception as err:  # kernel could not start, etc.
        emit(event="error", index=-1, first="", ename=type(err).__name__, evalue=str(err), traceback=[])
        return 1
    emit(event="executed", seconds=round(time.time() - t0, 3))

    exporter_thread.join()
    if "error" in exporter_import:
        emit(event="missing", module=str(exporter_import["error"]))
        return 3
    # The HTML first: the report finishes the page from it while this process signs and writes the notebook.
    html, _ = exporter_import["module"].HTMLExporter().from_notebook_node(nb, resources={"metadata": {"name": args.title}})
    with open(args.out_html, "w", encoding="utf-8") as f:
        f.write(html)
    emit(event="html", html=args.out_html)
    NotebookNotary().sign(nb)
    with open(args.out_notebook, "w", encoding="utf-8") as f:
        nbformat.write(nb, f)
    emit(event="written", notebook=args.out_notebook, html=args.out_html)
    return 0


if __name__ == "__main__":
    sys.exit(main())

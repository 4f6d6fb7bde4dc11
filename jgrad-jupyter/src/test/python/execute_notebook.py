"""Executes a notebook headless through its kernelspec with Debian's nbclient, as CI does.

Usage: /usr/bin/python3 execute_notebook.py IN.ipynb OUT.ipynb   (JUPYTER_PATH must name the
directory holding kernels/jgrad). Writes the executed notebook even when a cell fails (nbclient
stops at the first failing cell), then exits 1; the caller checks the outputs.
"""
import sys

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError


def main(src, dst):
    nb = nbformat.read(src, as_version=4)
    client = NotebookClient(nb, timeout=900, kernel_name=nb.metadata["kernelspec"]["name"], resources={"metadata": {"path": "."}})
    status = 0
    try:
        client.execute()
    except CellExecutionError as e:
        print(str(e)[-3000:], file=sys.stderr)
        status = 1
    nbformat.write(nb, dst)
    sys.exit(status)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])

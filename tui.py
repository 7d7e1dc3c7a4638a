#!/usr/bin/env python
"""Launcher of the drafting assistant: ``python tui.py [FILE]`` (same as ``relazione draft [FILE]``)."""

import sys

from relazione.tui.app import main

if __name__ == "__main__":
    sys.exit(main())

"""``python -m storyprobe``: the command line."""

from storyprobe.cli import main

main()

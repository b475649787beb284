"""Presentation: plots, reports (tables, methods text, citations) and the command line.
Public through :mod:`elosim.plot` and :mod:`elosim.report`."""

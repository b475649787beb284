"""Lowest layer: errors and warnings, the Elo scale, validators, formatting, the table renderer
and the hook registry through which result objects reach higher layers. Depends on nothing
else in elosim."""

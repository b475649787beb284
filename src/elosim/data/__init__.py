"""Votes and counts: the :class:`~elosim.Votes` container, the sufficient statistic
(:class:`~elosim.data.counts.VoteCounts`), readers and the bundled data sets."""

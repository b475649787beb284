"""Model fitting: likelihoods, tie models, solvers, batched refits and
:func:`~elosim.bradley_terry` with its :class:`~elosim.BradleyTerryResult`."""

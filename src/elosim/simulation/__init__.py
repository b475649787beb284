"""Simulation and planning: arenas with known ratings, online Elo, power and votes needed,
coverage studies and vote-removal robustness."""

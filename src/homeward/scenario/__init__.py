"""Synthetic scenarios: registries of both sides with realistic noise, and the truth.

>>> # scenario = generate_scenario("istanbul-2025", seed=1)
>>> # paths = write_scenario(scenario, Path("out"))
"""

from homeward.scenario.generate import FILE_KEYS, Scenario, generate_scenario
from homeward.scenario.presets import PRESETS
from homeward.scenario.writers import write_person_file, write_scenario

__all__ = [
    "FILE_KEYS",
    "PRESETS",
    "Scenario",
    "generate_scenario",
    "write_person_file",
    "write_scenario",
]

"""The storage each feature's use cases need, as Protocols: one module per feature.

SQL implementations live in ``homeward.adapters.repositories.<feature>``, in-memory fakes
in ``tests/unit/services/fakes.py``; ``services.unit_of_work.UnitOfWork`` holds one of each.
"""

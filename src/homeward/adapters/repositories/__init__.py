"""SQL repositories, one module per feature, each over a Connection whose transaction
the unit of work (``adapters.unit_of_work.SqlUnitOfWork``) owns."""

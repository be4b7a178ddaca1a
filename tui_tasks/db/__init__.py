"""Storage: engine and transactions, tables, migrations. Imports SQLAlchemy; never Textual."""

"""The Textual app. Talks to the services only; never imports SQLModel or SQLAlchemy itself."""

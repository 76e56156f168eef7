"""Deputies' suggestions and members' proposals (建议提案): a kind of supervised matter beside ``tasks.Task``
(docs/architecture.md, "Adding a new kind of supervised matter")."""

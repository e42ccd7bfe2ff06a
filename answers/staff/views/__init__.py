"""Staff pages, one module per entity (see ``answers.staff``)."""

"""A Django database backend for the embedded server: PostgreSQL's own, which starts the
server (and creates the database) on the first connection a process makes.

settings.py selects it when no DATABASE_URL is given; `DATA_DIR` in the database settings names
the cluster. Everything else — SQL, introspection, the test database — is PostgreSQL's backend.
"""

from pathlib import Path

from django.db.backends.postgresql import base

from xindai import localpg


class DatabaseWrapper(base.DatabaseWrapper):
    _server_checked = False

    def get_new_connection(self, conn_params):
        data_dir = Path(self.settings_dict["DATA_DIR"])
        if not DatabaseWrapper._server_checked:
            localpg.ensure_running(data_dir)
            DatabaseWrapper._server_checked = True
        try:
            return super().get_new_connection(conn_params)
        except self.Database.OperationalError as err:
            if not localpg.is_running(data_dir):  # stopped since (`xindai db stop`): start it again
                localpg.ensure_running(data_dir)
                return super().get_new_connection(conn_params)
            if "does not exist" not in str(err) or conn_params.get("dbname") != self.settings_dict["NAME"]:
                raise
            localpg.ensure_database(data_dir, self.settings_dict["NAME"])
            return super().get_new_connection(conn_params)

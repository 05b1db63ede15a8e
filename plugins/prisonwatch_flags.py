"""Airflow plugin: the prisonwatch Flags view in the Airflow UI.

Wiring only; the app lives in ``prisonwatch.ui.webui``. The api-server mounts it under ``/prisonwatch`` and
the UI lists it as 'Flags' in its navigation, shown in a frame on the same origin, so the login cookie
the UI set authenticates it. Every route requires a logged-in Airflow user.
"""

from __future__ import annotations

from airflow.plugins_manager import AirflowPlugin

from prisonwatch.ui.webui import NAV_NAME, NAV_URL_ROUTE, URL_PREFIX, create_app, nav_href


class PrisonwatchFlagsPlugin(AirflowPlugin):
    name = "prisonwatch_flags"
    fastapi_apps = [{"app": create_app(), "url_prefix": URL_PREFIX, "name": "prisonwatch flags"}]
    external_views = [
        {
            "name": NAV_NAME,
            "href": nav_href(),
            "destination": "nav",
            "url_route": NAV_URL_ROUTE,
            "icon": nav_href() + "icon.svg",
            "nav_top_level": True,
        }
    ]

"""The services (care visits, alarms, centre bathing, home bathing): one module each, and the
registry from which the list of services, their codes and queue ranks are derived."""

"""How the suite judges answers: InvenTree checks, probes, state checks, and the named rules.

Importing this package registers every InvenTree check with Schemathesis, in this one place: each
entry point (the suite's CLI and pytest plugin, Schemathesis' own CLI through the hooks module)
imports the package and so runs with all of them. A new check module is listed here.
"""

from contract_tests.checks import authorization, probes, responses, state

CHECK_MODULES = (authorization, probes, responses, state)

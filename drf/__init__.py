"""Django REST Framework's and InvenTree's rules for reading request values, written once.

The mock reads request bodies by these rules and the contract suite predicts answers by them, so
both agree on what a real InvenTree stores: which words are booleans, which text is a URL, how
text is cleaned before it is saved. Like `spec`, this package imports only libraries; neither
`mock_server` nor `contract_tests` is imported here.
"""

"""Mail record parsers and the SPF evaluator: pure logic, DNS only through injected interfaces."""

"""policyqa: question answering over privacy policies, every answer a cited quotation."""

__version__ = "0.1.0"

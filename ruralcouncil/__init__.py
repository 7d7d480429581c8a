"""RuralCouncil: a village council's budget ledger and accountability reports."""

__version__ = "0.1.0"

"""Agreements and tranche planning: terms, eligibility, the CP-SAT planner; the plan as
the domain's tranches (``exchange_from_plan``), which rebalance it.

A pure core: it imports the standard library, OR-Tools and tomllib only.
"""

from homeward.planning.canonical import terms_to_canonical
from homeward.planning.codes import checkin_code, checkin_codes
from homeward.planning.counts import SolverOptions
from homeward.planning.eligibility import (
    EligibilityReport,
    Reason,
    Verdict,
    check_eligibility,
    check_person,
)
from homeward.planning.feasibility import Shortfall, TermsCannotBeMetError, terms_problems
from homeward.planning.istanbul import istanbul_2025_terms
from homeward.planning.manifest import (
    ManifestHeader,
    ManifestRow,
    PersonName,
    manifest_header,
    manifest_rows,
    qr_payload,
)
from homeward.planning.model import (
    Candidate,
    Category,
    CrossingPoint,
    EligibilityRule,
    Health,
    InvalidTermsError,
    Parity,
    PriorityGroup,
    Terms,
    TrancheTerms,
)
from homeward.planning.plan import Plan, PlannedPerson, SolveReport, TranchePlan, plan_from_dict
from homeward.planning.planner import plan_exchange
from homeward.planning.terms_file import (
    TermsFileError,
    load_terms,
    parse_terms_toml,
    terms_from_dict,
)
from homeward.planning.tranches import exchange_from_plan
from homeward.planning.verify import verify_plan

__all__ = [
    "Candidate",
    "Category",
    "CrossingPoint",
    "EligibilityReport",
    "EligibilityRule",
    "Health",
    "InvalidTermsError",
    "ManifestHeader",
    "ManifestRow",
    "Parity",
    "PersonName",
    "Plan",
    "PlannedPerson",
    "PriorityGroup",
    "Reason",
    "Shortfall",
    "SolveReport",
    "SolverOptions",
    "Terms",
    "TermsCannotBeMetError",
    "TermsFileError",
    "TranchePlan",
    "TrancheTerms",
    "Verdict",
    "check_eligibility",
    "check_person",
    "checkin_code",
    "checkin_codes",
    "exchange_from_plan",
    "istanbul_2025_terms",
    "load_terms",
    "manifest_header",
    "manifest_rows",
    "parse_terms_toml",
    "plan_exchange",
    "plan_from_dict",
    "qr_payload",
    "terms_from_dict",
    "terms_problems",
    "terms_to_canonical",
    "verify_plan",
]

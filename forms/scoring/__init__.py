"""The household poverty scoring engine: pure Python, standard library only.

See SPEC.md in this package for the facts format, the rulesets and the assessment.
"""

from forms.scoring.decode import FactsError, FactsProblem, facts_from_dict
from forms.scoring.encode import assessment_to_dict
from forms.scoring.engine import ENGINE_VERSION, UNDETERMINED, score
from forms.scoring.facts import HouseholdFacts, Member
from forms.scoring.result import Assessment, IndicatorResult
from forms.scoring.ruleset import (
    Ruleset,
    RulesetError,
    list_rulesets,
    load_ruleset,
    ruleset_for_year,
)
from forms.scoring.transitions import derive_transition

__all__ = [
    "ENGINE_VERSION",
    "UNDETERMINED",
    "Assessment",
    "FactsError",
    "FactsProblem",
    "HouseholdFacts",
    "IndicatorResult",
    "Member",
    "Ruleset",
    "RulesetError",
    "assessment_to_dict",
    "derive_transition",
    "facts_from_dict",
    "list_rulesets",
    "load_ruleset",
    "ruleset_for_year",
    "score",
]

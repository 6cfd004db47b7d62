"""How the OpenAPI document describes a stored assessment with its rendered explanations.

The stored `result` is free-form JSON (forms/scoring/SPEC.md §6.3); these serializers only
document the parts a client reads to show reasons. They never validate input.
"""

from typing import Any

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers


@extend_schema_serializer(component_name="AssessmentExplanation")
class _ExplainedSerializer(serializers.Serializer[Any]):
    explanation_vi = serializers.CharField(help_text="Plain Vietnamese: labels, names, answers.")
    explanation_en = serializers.CharField(help_text="The same in plain English.")


@extend_schema_serializer(component_name="AssessmentResultIndicator")
class _ResultIndicatorSerializer(_ExplainedSerializer):
    code = serializers.CharField()
    # A CharField, not a ChoiceField: an enum named "status" would collide in the schema.
    status = serializers.CharField(help_text="deprived, not_deprived or unknown")
    reason_vi = serializers.CharField(help_text="Audit trail: names fact paths and codes.")
    reason_en = serializers.CharField()
    evidence = serializers.ListField(child=serializers.CharField())
    missing = serializers.ListField(child=serializers.CharField())


@extend_schema_serializer(component_name="AssessmentResultDecision")
class _ResultDecisionSerializer(_ExplainedSerializer):
    rule = serializers.CharField()
    text_vi = serializers.CharField()
    text_en = serializers.CharField()


@extend_schema_serializer(component_name="AssessmentResult")
class AssessmentResultSerializer(serializers.Serializer[Any]):
    """The stored assessment (forms/scoring/SPEC.md §6.3); only the explained parts are listed."""

    decision = _ResultDecisionSerializer()
    indicators = _ResultIndicatorSerializer(many=True)

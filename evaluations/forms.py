"""The committee's forms: goal assessments, the overall grade, each member's opinions."""

from django import forms
from django.utils.translation import gettext_lazy as _

from evaluations.models import Evaluation, GoalAssessment, Opinion


class SeenForm(forms.ModelForm):
    """Carries the version the editor saw (aspire/versions.py), so that saving writes only
    what they changed and a later edit of someone else is never overwritten."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def row_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class AssessmentForm(SeenForm):
    class Meta:
        model = GoalAssessment
        fields = ["grade", "assessment", "future_directions"]
        widgets = {
            "assessment": forms.Textarea(attrs={"rows": 6}),
            "future_directions": forms.Textarea(attrs={"rows": 3}),
        }


class OverallForm(SeenForm):
    class Meta:
        model = Evaluation
        fields = ["overall_grade", "overall_comment"]
        widgets = {"overall_comment": forms.Textarea(attrs={"rows": 5})}


class OpinionForm(forms.ModelForm):
    class Meta:
        model = Opinion
        fields = ["goal", "text"]
        widgets = {"goal": forms.HiddenInput, "text": forms.Textarea(attrs={"rows": 3})}


class ReportRequestForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=[("ja", "日本語"), ("en", "English")])
    format = forms.ChoiceField(label=_("Format"), choices=[("pdf", "PDF"), ("xlsx", "XLSX")])

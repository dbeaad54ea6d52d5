"""The committee's forms: goal assessments, the overall grade, each member's opinions."""

from django import forms
from django.utils.translation import gettext_lazy as _

from evaluations.models import Evaluation, GoalAssessment, Opinion


class SeenForm(forms.ModelForm):
    """Carries the version the editor saw (aspire/versions.py), so that saving writes only
    what they changed and a later edit of someone else is never overwritten."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    # The evaluation page has one save for every text (evaluation.html): the fields of each
    # goal and of the overall evaluation belong, by HTML's form attribute, to that form.
    surface = "evaluation-texts"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if isinstance(self, (AssessmentForm, OverallForm)):
            for field in self.fields.values():
                field.widget.attrs["form"] = self.surface

    def row_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class AssessmentForm(SeenForm):
    class Meta:
        model = GoalAssessment
        fields = [
            "grade",
            "assessment",
            "assessment_en",
            "future_directions",
            "future_directions_en",
        ]
        widgets = {
            "assessment": forms.Textarea(attrs={"rows": 8}),
            "assessment_en": forms.Textarea(attrs={"rows": 8}),
            "future_directions": forms.Textarea(attrs={"rows": 3}),
            "future_directions_en": forms.Textarea(attrs={"rows": 3}),
        }


class OverallForm(SeenForm):
    class Meta:
        model = Evaluation
        fields = ["overall_grade", "overall_comment", "overall_comment_en"]
        widgets = {
            "overall_comment": forms.Textarea(attrs={"rows": 6}),
            "overall_comment_en": forms.Textarea(attrs={"rows": 6}),
        }


class OpinionForm(forms.ModelForm):
    class Meta:
        model = Opinion
        fields = ["goal", "text", "text_en"]
        widgets = {
            "goal": forms.HiddenInput,
            "text": forms.Textarea(attrs={"rows": 3}),
            "text_en": forms.Textarea(attrs={"rows": 3}),
        }


class OpinionEditForm(SeenForm):
    """A member's edit of their own opinion."""

    class Meta:
        model = Opinion
        fields = ["text", "text_en"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 3}),
            "text_en": forms.Textarea(attrs={"rows": 3}),
        }


class ReportRequestForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=[("ja", "日本語"), ("en", "English")])
    format = forms.ChoiceField(label=_("Format"), choices=[("pdf", "PDF"), ("xlsx", "XLSX")])

"""Forms of the learner portal's practical tasks: one per submission kind."""

from django import forms
from django.core.files.uploadedfile import UploadedFile

from practicals.services.submissions import MAX_TEXT_SUBMISSION_BYTES, SubmittedFiles
from quayside.request_limits import MULTIPART_OVERHEAD_BYTES

# No task accepts more (each task's own, smaller limit is checked by the service); refusing here
# keeps a huge upload from being read into memory at all.
MAX_ARCHIVE_UPLOAD_BYTES = 20 * 1024 * 1024
# The submission page and endpoint refuse a longer request before reading it (413).
SUBMISSION_REQUEST_MAX_BYTES = MAX_ARCHIVE_UPLOAD_BYTES + MULTIPART_OVERHEAD_BYTES


class SubmissionForm(forms.Form):
    def submitted_files(self) -> SubmittedFiles:
        raise NotImplementedError


class DockerfileSubmissionForm(SubmissionForm):
    dockerfile = forms.CharField(
        label="Your Dockerfile",
        widget=forms.Textarea(attrs={"rows": 22, "spellcheck": "false", "class": "code-editor"}),
        max_length=MAX_TEXT_SUBMISSION_BYTES,
        strip=False,
    )

    def submitted_files(self) -> SubmittedFiles:
        return SubmittedFiles("Dockerfile", self.cleaned_data["dockerfile"].encode("utf-8"))


class CommandsSubmissionForm(SubmissionForm):
    commands = forms.CharField(
        label="Your docker commands, one per line",
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false", "class": "code-editor"}),
        max_length=MAX_TEXT_SUBMISSION_BYTES,
        strip=False,
    )

    def submitted_files(self) -> SubmittedFiles:
        return SubmittedFiles("commands.sh", self.cleaned_data["commands"].encode("utf-8"))


class ArchiveSubmissionForm(SubmissionForm):
    archive = forms.FileField(
        label="Your project archive (.zip or .tar.gz)",
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,.tar.gz,.tgz"}),
    )

    def clean_archive(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["archive"]
        if (upload.size or 0) > MAX_ARCHIVE_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"The archive is larger than {MAX_ARCHIVE_UPLOAD_BYTES // (1024 * 1024)} MB."
            )
        return upload

    def submitted_files(self) -> SubmittedFiles:
        upload = self.cleaned_data["archive"]
        return SubmittedFiles(upload.name or "project.zip", upload.read())


SUBMISSION_FORMS: dict[str, type[SubmissionForm]] = {
    "dockerfile": DockerfileSubmissionForm,
    "commands": CommandsSubmissionForm,
    "archive": ArchiveSubmissionForm,
}

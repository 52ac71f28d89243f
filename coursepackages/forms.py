from typing import Any

from django import forms

from coursepackages.sources import (
    MAX_PACKAGE_ZIP_BYTES,
    PackageSourceError,
    git_branch_check,
    git_url_check,
)


class SyncSourceForm(forms.Form):
    """A zip upload, or a git repository URL and branch: exactly one of the two."""

    package = forms.FileField(required=False, label="Package (.zip)")
    git_url = forms.CharField(required=False, max_length=500, label="Git repository URL")
    git_branch = forms.CharField(
        required=False, max_length=200, label="Branch", help_text="Empty: the default branch."
    )

    def __init__(self, *args: Any, git_schemes: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.git_schemes = git_schemes

    def clean_package(self) -> bytes | None:
        upload = self.cleaned_data.get("package")
        if upload is None:
            return None
        if upload.size > MAX_PACKAGE_ZIP_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size} bytes; the limit is {MAX_PACKAGE_ZIP_BYTES} bytes."
            )
        return bytes(upload.read())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        has_zip = cleaned.get("package") is not None
        url = (cleaned.get("git_url") or "").strip()
        if has_zip == bool(url):
            raise forms.ValidationError("Upload a zip or name a git repository (one of the two).")
        try:
            if url:
                git_url_check(url, schemes=self.git_schemes)
            if cleaned.get("git_branch"):
                git_branch_check(cleaned["git_branch"])
        except PackageSourceError as error:
            raise forms.ValidationError(str(error)) from None
        cleaned["git_url"] = url
        return cleaned

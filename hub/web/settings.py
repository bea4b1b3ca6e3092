"""Settings of the web page (section [web]). The password comes from the environment or a file."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

PASSWORD_ENVIRONMENT_VARIABLE = "CARDMUNK_WEB_PASSWORD"


class WebSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enabled: bool = Field(True, description="Serve the web page at /.")
    password_file: Path | None = Field(
        None, description="File holding the login password (outside the repository)."
    )
    session_days: float = Field(30.0, gt=0, description="How long a login lasts.")
    secure_cookies: bool = Field(False, description="Mark cookies Secure (set when served over HTTPS).")

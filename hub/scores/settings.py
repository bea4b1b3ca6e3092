"""Settings of the activity scores (section [scores])."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class ScoreWeights(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    meeting: float = Field(5.0, ge=0, description="Weight of a meeting.")
    video_call: float = Field(4.0, ge=0, description="Weight of a video call.")
    call: float = Field(3.0, ge=0, description="Weight of a phone call.")
    email: float = Field(1.5, ge=0, description="Weight of an email.")
    message: float = Field(1.0, ge=0, description="Weight of a chat conversation session.")
    other: float = Field(0.5, ge=0, description="Weight of any other interaction.")


class ScoresSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    half_life_days: float = Field(90.0, gt=0, description="Age at which an interaction counts half.")
    session_gap_minutes: float = Field(
        30.0, ge=0, description="A contact's messages in one thread closer than this count as one session."
    )
    group_exponent: float = Field(
        0.5, ge=0, le=2, description="An interaction with n other people counts 1 / n**group_exponent per person."
    )
    display_scale: float = Field(10.0, gt=0, description="Raw score that maps to about 63 on the 0-100 scale.")
    refresh_interval_minutes: float = Field(
        60.0, gt=0, description="How often future-dated units and the 30-day comparison point move forward."
    )
    recompute_interval_hours: float = Field(24.0, gt=0, description="How often scores are recomputed in full.")
    fading_days: float = Field(60.0, gt=0, description="A strong contact silent this long counts as fading.")
    strong_display: int = Field(
        30, ge=0, le=100, description="Display value, right after the last interaction, of a strong contact."
    )
    weights: ScoreWeights = Field(default_factory=ScoreWeights)

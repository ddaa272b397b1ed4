"""The checker model's training configuration: every hyper-parameter and the seed, in one typed place."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from copilot.suggest.recogniser import Reads


class CheckerTrainConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    method: Literal["token", "finetune", "head"] = Field(
        default="finetune",
        description="token: the encoder trained end to end to label every token of a whole utterance, exported "
        "to ONNX; finetune: the same for window classification (each clause judged alone); head: a multinomial "
        "logistic regression on the frozen embedder's vectors.",
    )
    seed: int = Field(default=13, description="Seeds the split, the shuffling and the initial weights.")
    members: int = Field(default=1, ge=1, le=4,
                         description="token only: models trained on the same split with seeds seed, seed + 1, …; "
                         "the checker averages their token probabilities.")
    validation_share: float = Field(default=0.15, gt=0, lt=0.5, description="Utterances held out per label.")
    epochs: int = Field(default=4, ge=1, le=50)
    batch_size: int = Field(default=32, ge=1, le=512)
    learning_rate: float = Field(default=8e-5, gt=0)
    max_tokens: int = Field(default=64, ge=8, le=512,
                            description="finetune: longer windows are truncated; token: longer drafts are cut at "
                            "clause ends into pieces of this many tokens.")
    quantise: bool = Field(default=True, description="Export int8 weights (dynamic quantisation).")
    regularisation: float = Field(default=4.0, gt=0, description="head only: inverse regularisation C.")


class RecogniserTrainConfig(BaseModel):
    """`knowledge/training/scenarios/config.yaml`: the scenario recogniser's training, seeded."""

    model_config = ConfigDict(extra="forbid")

    seed: int = Field(default=13, description="Seeds the folds.")
    folds: int = Field(default=5, ge=3, le=10,
                       description="Cross-fitting: each fold's turns (the same share of every scenario) are scored "
                       "by units fitted on the other folds; those out-of-fold scores fit the probability scale and "
                       "measure the model, and the shipped units are then fitted on every turn.")
    regularisation: float = Field(default=4.0, gt=0, description="Inverse regularisation C of each unit.")
    context_weight: float = Field(default=0.35, ge=0, le=1,
                                  description="Earlier customer turns beside the latest (as suggest weighs them).")
    reads: Reads = Field(default="mixed", description="mixed: the latest turn plus the earlier ones, one vector; "
                         "turns: the latest, the earlier ones and the agent's last words side by side.")
    unsure_below: float = Field(default=0.2, gt=0, lt=1,
                                description="A calibrated top probability under this is a guess: the recogniser "
                                "says it is unsure (right less often than this).")


class FactsTrainConfig(BaseModel):
    """`knowledge/training/claims/config.yaml`: the fact reader's training, seeded."""

    model_config = ConfigDict(extra="forbid")

    method: Literal["finetune", "head"] = Field(
        default="head",
        description="finetune: the encoder trained end to end on the clauses (fact or not), exported to ONNX, "
        "measured on a validation split; head: a logistic regression on the frozen embedder's vectors, measured "
        "out of fold.")
    seed: int = Field(default=13, description="Seeds the folds or the split, the shuffling and the weights.")
    folds: int = Field(default=5, ge=3, le=10,
                       description="head: each fold's clauses (the same share of facts) are scored by a head fitted "
                       "on the other folds, which gives the report's metrics; the shipped head is fitted on all.")
    regularisation: float = Field(default=4.0, gt=0, description="Inverse regularisation C of the head (also "
                                  "fitted beside a fine-tuned reader, on its split, for comparison).")
    validation_share: float = Field(default=0.15, gt=0, lt=0.5,
                                    description="finetune: clauses held out (the same share of facts).")
    epochs: int = Field(default=4, ge=1, le=50, description="finetune only.")
    batch_size: int = Field(default=32, ge=1, le=512, description="finetune only.")
    learning_rate: float = Field(default=8e-5, gt=0, description="finetune only.")
    max_tokens: int = Field(default=64, ge=8, le=512, description="finetune: longer clauses are truncated.")
    quantise: bool = Field(default=True, description="finetune: export int8 weights (dynamic quantisation).")
    threshold: float = Field(default=0.65, gt=0, lt=1,
                             description="The probability the metrics read a clause as a fact from (the product's "
                             "bar is llm.fact_threshold).")


class SituationsTrainConfig(BaseModel):
    """`knowledge/training/situations/config.yaml`: the situation matcher's training, seeded."""

    model_config = ConfigDict(extra="forbid")

    seed: int = Field(default=13, description="Seeds the split of industries, the hard negatives, the shuffling and "
                      "the weights.")
    validation_share: float = Field(default=0.15, gt=0, lt=0.5,
                                    description="Industries held out whole: the matcher is measured and calibrated "
                                    "on standards it never saw, as it will meet a customer's.")
    epochs: int = Field(default=2, ge=1, le=50)
    batch_size: int = Field(default=32, ge=2, le=512)
    learning_rate: float = Field(default=3e-5, gt=0)
    temperature: float = Field(default=0.05, gt=0, le=1,
                               description="Cosines are divided by this before the in-batch softmax.")
    max_tokens: int = Field(default=64, ge=8, le=512, description="Longer texts are truncated.")
    quantise: bool = Field(default=True, description="Export int8 weights (dynamic quantisation).")

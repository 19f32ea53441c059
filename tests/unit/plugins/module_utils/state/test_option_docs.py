"""The state options are documented once: the module and callback fragments agree with each
other and with the argument spec and environment variables workflow_info uses."""

from __future__ import annotations

import yaml

from ansible_collections.agentic.k8s.plugins.doc_fragments.state import ModuleDocFragment
from ansible_collections.agentic.k8s.plugins.module_utils.state.info import (
    STATE_ARGUMENT_SPEC,
    STATE_ENVIRONMENT,
)

MODULE_OPTIONS = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)["options"]
CALLBACK_OPTIONS = yaml.safe_load(ModuleDocFragment.CALLBACK)["options"]


def test_the_state_fragments_document_the_same_options():
    assert set(MODULE_OPTIONS) == set(CALLBACK_OPTIONS) == set(STATE_ARGUMENT_SPEC) == set(STATE_ENVIRONMENT)
    for name, callback in CALLBACK_OPTIONS.items():
        module = MODULE_OPTIONS[name]
        assert module["description"][0] == callback["description"][0], name
        for key in ("type", "choices", "default"):
            assert module.get(key) == callback.get(key) == STATE_ARGUMENT_SPEC[name].get(key), (name, key)


def test_each_option_has_its_environment_variable_and_ini_key():
    for name, callback in CALLBACK_OPTIONS.items():
        assert callback["env"] == [{"name": STATE_ENVIRONMENT[name]}]
        assert callback["ini"] == [{"section": "callback_state_recorder", "key": name}]
        assert f"E({STATE_ENVIRONMENT[name]})" in MODULE_OPTIONS[name]["description"][1]

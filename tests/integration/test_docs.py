"""The documentation agrees with itself: every key of bot.yaml.example is
described in README.md and in the man page, and they name the same sections
for a reload (SIGHUP). No server needed."""

import os
import re

REPO = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))


def read(name):
    with open(os.path.join(REPO, name), encoding="utf-8") as f:
        return f.read()


def example_keys():
    """section.key for every key of bot.yaml.example (two levels; comments
    and list items skipped)."""
    keys, section = [], None
    for line in read("bot.yaml.example").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        m = re.match(r"^([a-z_]+):", line)
        if m:
            section = m.group(1)
            continue
        m = re.match(r"^  ([a-z_]+):", line)
        if m and section:
            keys.append("%s.%s" % (section, m.group(1)))
    return keys


def readme_yaml_keys():
    """section.key in README's annotated configuration block."""
    text = read("README.md")
    block = text.split("## Configuration", 1)[1].split("```yaml", 1)[1]
    block = block.split("```", 1)[0]
    keys, section = set(), None
    for line in block.splitlines():
        m = re.match(r"^([a-z_]+):", line)
        if m:
            section = m.group(1)
        m = re.match(r"^  ([a-z_]+):", line)
        if m and section:
            keys.add("%s.%s" % (section, m.group(1)))
    return keys


def test_docs__describe_every_key_of_the_example__in_readme_and_man_page():
    keys = example_keys()
    assert len(keys) >= 15, keys
    man = read("docs/timmy.8")
    man_keys = set()
    for line in man.splitlines():
        if line.startswith(".It Ic "):
            man_keys.update(k.strip() for k in
                            line[len(".It Ic "):].split(" , "))
    readme = readme_yaml_keys()
    missing = [("README.md", k) for k in keys if k not in readme]
    missing += [("docs/timmy.8", k) for k in keys if k not in man_keys]
    assert missing == [], missing


def reload_sections(text):
    return set(re.findall(r"\b(access|limits|log|account|storage|defaults|"
                          r"export|idle|reminders)\b", text))


def test_docs__name_the_same_sections_for_a_reload__in_readme_man_and_example():
    man = read("docs/timmy.8")
    sighup = man.split(".It Dv SIGHUP", 1)[1].split("sections;", 1)[0]
    example = read("bot.yaml.example")
    example_line = re.search(r"SIGHUP makes a running timmy read this file "
                             r"again: ([^;]*) take effect", example)
    assert example_line, "bot.yaml.example says nothing of SIGHUP"
    example_line = example_line.group(1)
    readme = read("README.md")
    readme_line = re.search(r"After changing the (.*?) of\s+`bot.yaml`",
                            readme, re.S)
    assert readme_line, "README.md says nothing of reloading"
    readme_line = readme_line.group(1)
    want = {"access", "limits", "log", "idle", "reminders"}
    assert reload_sections(sighup) == want, sighup
    assert reload_sections(example_line) == want, example_line
    assert reload_sections(readme_line) == want, readme_line

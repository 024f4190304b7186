from techdigest.slugs import slugify, unique


def test_tag_slugs_are_ascii_lower_case_and_keep_cpp_and_csharp_apart():
    slugs = [slugify(name, "tag") for name in ("C++", "C#", "C", "NVIDIA", "Künstliche Intelligenz")]
    assert slugs == ["c-plus-plus", "c-sharp", "c", "nvidia", "kuenstliche-intelligenz"]


def test_hostile_names_give_a_single_safe_path_segment():
    assert slugify("../../etc/passwd", "tag") == "etc-passwd"
    assert slugify("<b>x</b>", "tag") == "b-x-b"
    assert slugify("!!!", "tag") == "tag"


def test_long_slugs_are_cut_at_a_word_boundary_keeping_word_order():
    slug = slugify("OpenAI setzt für seine fortschrittlichen KI-Modelle wie ChatGPT verstärkt auf", "a")
    assert slug == "openai-setzt-fuer-seine-fortschrittlichen-ki-modelle-wie"


def test_unique_appends_the_first_free_number():
    assert unique("amd", set()) == "amd"
    assert unique("amd", {"amd", "amd-2"}) == "amd-3"

"""The path logic on its own: subject choice, dead zone, cuts, fallbacks."""
from facetrack.detect import Face
from facetrack.path import Options, Sample, people, plan

CW = 404 / 1280  # a 9:16 crop of a 16:9 frame, as a fraction of its width
OPTS = Options(sample_fps=5)


def at(path, t):
    """The crop centre the renderer would use at t (piecewise linear between points)."""
    if t <= path[0]["t"]:
        return path[0]["cx"]
    for a, b in zip(path, path[1:]):
        if a["t"] <= t <= b["t"]:
            return a["cx"] + (b["cx"] - a["cx"]) * ((t - a["t"]) / (b["t"] - a["t"]) if b["t"] > a["t"] else 1)
    return path[-1]["cx"]


def face(cx, size=0.2, score=0.9):
    return Face(cx, 0.4, size, size * 1.7, score)


def test_small_jitter_inside_the_dead_zone_never_moves_the_crop():
    samples = [Sample(i / 5, [face(0.5 + (0.01 if i % 2 else -0.01))]) for i in range(50)]
    p = plan(samples, CW, 1.0, OPTS).path
    assert {pt["cx"] for pt in p} == {p[0]["cx"]}


def test_a_face_that_moves_away_is_followed_smoothly_and_at_bounded_speed():
    samples = [Sample(i / 5, [face(0.3 if i < 10 else 0.7)]) for i in range(60)]
    p = plan(samples, CW, 1.0, OPTS).path
    assert abs(at(p, 11.8) - 0.7) < 0.01
    steps = [abs(at(p, (i + 1) / 5) - at(p, i / 5)) for i in range(59)]
    assert max(steps) <= OPTS.max_speed / 5 + 1e-9


def test_a_one_sample_glitch_of_another_face_does_not_move_the_crop():
    samples = [Sample(i / 5, [face(0.3)] + ([face(0.8, size=0.4)] if i == 20 else [])) for i in range(40)]
    p = plan(samples, CW, 1.0, OPTS).path
    assert all(abs(pt["cx"] - 0.3) < 1e-6 for pt in p)


def test_the_larger_face_is_followed_and_a_dominant_newcomer_takes_over_after_about_a_second():
    both = lambda i: [face(0.25, size=0.1), face(0.75, size=0.3)] if i >= 20 else [face(0.25, size=0.1)]
    p = plan([Sample(i / 5, both(i)) for i in range(60)], CW, 1.0, OPTS).path
    assert abs(at(p, 3.8) - 0.25) < 1e-6, "still on the first subject just after the newcomer appears"
    assert abs(at(p, 4.6) - 0.25) < 1e-6, "not switched before a second has passed"
    assert abs(at(p, 11.8) - 0.75) < 0.01


def test_a_cut_jumps_at_once_with_no_pan_across_it():
    samples = [Sample(i / 5, [face(0.25 if i < 20 else 0.75)], cut=(i == 20)) for i in range(40)]
    result = plan(samples, CW, 1.0, OPTS)
    assert result.cuts == [4.0]
    assert all(abs(pt["cx"] - 0.25) < 1e-6 or abs(pt["cx"] - 0.75) < 1e-6 for pt in result.path)
    assert abs(at(result.path, 3.99) - 0.25) < 0.01 and abs(at(result.path, 4.0) - 0.75) < 1e-6


def test_frames_without_a_face_hold_and_a_shot_without_any_is_centred():
    samples = [Sample(i / 5, [face(0.3)] if i < 10 or 15 <= i < 20 else [], cut=(i == 20)) for i in range(40)]
    p = plan(samples, CW, 1.0, OPTS).path
    assert abs(at(p, 2.4) - 0.3) < 1e-6, "held through the gap"
    assert abs(at(p, 6.0) - 0.5) < 1e-6, "faceless shot after the cut is centred"


def test_too_few_faces_falls_back_to_a_static_centre_with_a_reason():
    samples = [Sample(i / 5, [face(0.2)] if i < 3 else []) for i in range(40)]
    result = plan(samples, CW, 1.0, OPTS)
    assert result.fallback == "faces in only 8% of samples"
    assert result.path == [{"t": 0.0, "cx": 0.5, "cy": 0.5}]


def test_crop_has_the_output_frame_shape():
    from facetrack.track import crop_size

    assert crop_size(1920, 1080) == (606, 1080)  # 9:16 by default
    assert crop_size(1920, 1080, 1.0) == (1080, 1080)
    assert crop_size(1920, 1080, 4 / 5) == (864, 1080)
    assert crop_size(1920, 1080, 16 / 9) == (1920, 1080)
    assert crop_size(1080, 1920, 16 / 9) == (1080, 606)  # a phone video to a wide frame


def test_two_people_held_apart_give_a_pair_with_a_path_each():
    from facetrack.path import pair_plan

    part_w = 640 / 1280  # a 9:8 part of a stacked 9:16 frame, from a 16:9 source
    samples = [Sample(i / 5, [face(0.25), face(0.75, size=0.18)]) for i in range(50)]
    pair = pair_plan(samples, part_w, 1.0, OPTS)
    assert pair["share"] == 1.0
    assert at(pair["left"], 5) < 0.5 < at(pair["right"], 5)
    # One person, or two standing together (one part frames both): no pair.
    assert pair_plan([Sample(i / 5, [face(0.5)]) for i in range(50)], part_w, 1.0, OPTS)["share"] == 0.0
    assert pair_plan([Sample(i / 5, [face(0.45), face(0.55)]) for i in range(50)], part_w, 1.0, OPTS)["share"] == 0.0
    # Apart for a fifth of the clip only.
    mixed = [Sample(i / 5, [face(0.25), face(0.75)] if i < 10 else [face(0.3)]) for i in range(50)]
    assert pair_plan(mixed, part_w, 1.0, OPTS)["share"] == 0.2


def test_the_picture_as_displayed_phone_rotation_and_pixel_aspect():
    from facetrack.decode import displayed

    assert displayed({"width": 1920, "height": 1080, "side_data_list": [{"rotation": -90}]}) == (1080, 1920)
    assert displayed({"width": 1920, "height": 1080, "tags": {"rotate": "90"}}) == (1080, 1920)
    assert displayed({"width": 1920, "height": 1080, "side_data_list": [{"rotation": 180}]}) == (1920, 1080)
    assert displayed({"width": 720, "height": 576, "sample_aspect_ratio": "4:3"}) == (960, 576)
    assert displayed({"width": 640, "height": 360, "sample_aspect_ratio": "0:1"}) == (640, 360)


def test_the_people_seen_are_listed_left_to_right_with_how_often_each_is_seen():
    both = lambda i: [face(0.25, size=0.1), face(0.75 + (0.01 if i % 2 else -0.01), size=0.3)] if i >= 20 else [face(0.25, size=0.1)]
    seen = people([Sample(i / 5, both(i)) for i in range(60)], OPTS)
    assert [round(p["x"], 2) for p in seen] == [0.25, 0.75]
    assert [p["share"] for p in seen] == [1.0, round(40 / 60, 3)]
    # A face glimpsed once is not a choice.
    assert len(people([Sample(i / 5, [face(0.3)] + ([face(0.8)] if i == 5 else [])) for i in range(60)], OPTS)) == 1


def test_a_person_chosen_by_hand_is_followed_whoever_is_more_prominent():
    both = lambda i: [face(0.25, size=0.1), face(0.75, size=0.3)]
    chosen = Options(sample_fps=5, follow=(0.25, 0.4))
    p = plan([Sample(i / 5, both(i)) for i in range(60)], CW, 1.0, chosen).path
    assert all(abs(pt["cx"] - 0.25) < 1e-6 for pt in p), "the smaller face, as chosen, all the way"
    # Without the choice the more prominent face is followed: the choice is what made the difference.
    assert abs(at(plan([Sample(i / 5, both(i)) for i in range(60)], CW, 1.0, OPTS).path, 5) - 0.75) < 0.01

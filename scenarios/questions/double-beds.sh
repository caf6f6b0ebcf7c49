#!/bin/sh
# Twice the beds, today's waits: how much capacity does scenarios/taiyuan-2022-double-beds.yaml
# (6,152 family care beds instead of 3,076, the 2022 capacity) need to keep the waits of the
# baseline? Run from the repository root; extra options go to every command, e.g.
# `nice sh scenarios/questions/double-beds.sh --workers 2` (the README's times: each part with
# --workers 1, 666 replications, 40 min of CPU). Answers, timings and the home-team finding:
# README.md, "Sizing".
#
# Today's levels: `carecap run scenarios/taiyuan-2022.yaml --reps 10 --json` (seed 20220828),
# mean +- 95 % half-width:
#   centre baths wait 2.48 +- 0.11 days; home baths 0.67 +- 0.07 (Wanbailin 0.71 +- 0.10,
#   Xiaodian 0.90 +- 0.20);
#   alarms on time, by district: xiaodian 72.4 % +- 1.2, wanbailin 83.1 +- 1.3, xinghualing
#   84.1 +- 0.3, yingze 86.1 +- 1.4, jiancaoping 79.8 +- 1.2, qingxu 91.3 +- 1.4, jinyuan
#   82.9 +- 1.2, gujiao 88.1 +- 1.1, yangqu 92.3 +- 2.2, loufan 91.4 +- 2.0;
#   care visits on time 99.98-100 % in every district.
# Targets: those levels to two decimals in the lenient direction, each inside today's interval
# (centre 2.5 days, Wanbailin home 0.75, Xiaodian home 0.9, alarms 0.72 ... 0.92), except care
# visits: 99.9 %, a tenth of a point under today's (a target at 99.98 % would be decided by a
# handful of late visits a year).
#
# Targets for the home teams of the four counties (Qingxu, Gujiao, Yangqu, Loufan: all their
# elders are bathed at home): today's home-bath waits there, the same way: qingxu 0.517 +-
# 0.027, gujiao 0.553 +- 0.021, yangqu 0.635 +- 0.061, loufan 0.504 +- 0.040 days -> 0.54, 0.57,
# 0.69, 0.54.
#
# Parts and their order. Baths go to the centre or to the home teams, coupled by
# routing.overflow_to_home_when_centre_queue_over (a bath goes home while more than that many
# wait for the centre). ASSUMPTION (stated in the scenario's comments): the threshold scales with
# the beds, 600 instead of 300, as a planner sizing the centre for twice the demand would set it;
# every part --sets it. At 300 the rule sends home ~8,150 baths a year, 62 % of them made on a
# Saturday or Sunday, when the Mon-Fri home teams are off, and the home waits come back to
# today's only somewhere between 20 and 40 core teams, 44 % and 22 % busy (README, "The
# home-team finding").
# The centre and the two home-team pools it overflows to (core, Xiaodian) are one question; they
# are sized in two 2-path commands, the centre first with those teams at the top of their range
# (the most return demand on the centre: an elder bathed sooner comes back sooner), then the
# teams with the centre's answer, keeping the centre's target so that the decomposition is
# checked, not assumed. (One 4-path command climbed 35 candidates from a corner far below the
# answer: README.) The county teams serve only their county, which the centre never does, and draw
# their own random numbers: one command sizes all four. Caregivers serve care visits and alarms
# only, each district's by its own pool, with their own random numbers, so their figures do not
# depend on the bathing capacity (checked: identical to the last digit) and one command sizes
# all ten pools: the cover first, with the day staff as given, then the day staff, since the
# cover caregivers make planned visits too. Each later part --sets the answers of the earlier ones.
set -e
SCENARIO=scenarios/taiyuan-2022-double-beds.yaml
OVERFLOW=routing.overflow_to_home_when_centre_queue_over=600

# 1. The bathing centre: vans and stations, with the core and Xiaodian home teams at the top of
#    part 2's ranges (12, 6), for today's centre-bath wait and today's home-bath waits in
#    Wanbailin and Xiaodian (so the centre cannot meet its target by overflowing baths to the
#    teams beyond what they absorb). Answer: 15 vans, 25 stations (the pilots' 14 / 24 failed the
#    confirmation: its centre-wait bound was 2.505).
carecap size "$SCENARIO" --set "$OVERFLOW" \
    --set home_bathing.teams.home_core.shifts.0.count=12 \
    --set home_bathing.teams.home_xiaodian.shifts.0.count=6 \
    --vary bathing_centre.vans.count=9:16 --vary bathing_centre.stations=20:28 \
    --target 'centre_bath.wait_mean<=2.5' \
    --target 'home_bath.wait_mean@district=wanbailin<=0.75' \
    --target 'home_bath.wait_mean@district=xiaodian<=0.9' \
    --max-reps 10 --out results/size/double-beds-1-centre "$@"

# 2. The core and Xiaodian home teams, with the centre's answer, for the same three targets (the
#    centre's is kept to check the decomposition: it is met, 2.13 days at the answer).
#    Answer: 8 core teams, 4 Xiaodian teams (the pilots' 7 / 3 failed the confirmation).
carecap size "$SCENARIO" --set "$OVERFLOW" \
    --set bathing_centre.vans.count=15 --set bathing_centre.stations=25 \
    --vary home_bathing.teams.home_core.shifts.0.count=5:12 \
    --vary home_bathing.teams.home_xiaodian.shifts.0.count=2:6 \
    --target 'centre_bath.wait_mean<=2.5' \
    --target 'home_bath.wait_mean@district=wanbailin<=0.75' \
    --target 'home_bath.wait_mean@district=xiaodian<=0.9' \
    --max-reps 10 --out results/size/double-beds-2-home-teams "$@"

# 3. The home teams of the four counties, for today's home-bath wait in each.
#    Answer: Qingxu 6, Gujiao 4, Yangqu 2, Loufan 2.
carecap size "$SCENARIO" --set "$OVERFLOW" \
    --vary home_bathing.teams.home_qingxu.shifts.0.count=3:7 \
    --vary home_bathing.teams.home_gujiao.shifts.0.count=2:5 \
    --vary home_bathing.teams.home_yangqu.shifts.0.count=1:4 \
    --vary home_bathing.teams.home_loufan.shifts.0.count=1:3 \
    --target 'home_bath.wait_mean@district=qingxu<=0.54' \
    --target 'home_bath.wait_mean@district=gujiao<=0.57' \
    --target 'home_bath.wait_mean@district=yangqu<=0.69' \
    --target 'home_bath.wait_mean@district=loufan<=0.54' \
    --max-reps 10 --out results/size/double-beds-3-county-teams "$@"

# The bathing answers, --set in the caregiver parts: their verdicts do not depend on them (see
# above), but their tables' cost per year is then that of the whole answer.
BATHING="--set $OVERFLOW --set bathing_centre.vans.count=15 --set bathing_centre.stations=25
    --set home_bathing.teams.home_core.shifts.0.count=8
    --set home_bathing.teams.home_xiaodian.shifts.0.count=4
    --set home_bathing.teams.home_qingxu.shifts.0.count=6
    --set home_bathing.teams.home_gujiao.shifts.0.count=4
    --set home_bathing.teams.home_yangqu.shifts.0.count=2
    --set home_bathing.teams.home_loufan.shifts.0.count=2"

# 4. Round-the-clock cover of every caregiver pool, for today's alarm on-time rate in its
#    district (the day staff at the scenario's counts). Answer: 2 in every pool.
# shellcheck disable=SC2086 # $BATHING is a list of options
carecap size "$SCENARIO" $BATHING \
    --vary caregivers.cg_xiaodian.shifts.cover.count=1:3 \
    --vary caregivers.cg_wanbailin.shifts.cover.count=1:3 \
    --vary caregivers.cg_xinghualing.shifts.cover.count=1:3 \
    --vary caregivers.cg_yingze.shifts.cover.count=1:3 \
    --vary caregivers.cg_jiancaoping.shifts.cover.count=1:3 \
    --vary caregivers.cg_qingxu.shifts.cover.count=1:3 \
    --vary caregivers.cg_jinyuan.shifts.cover.count=1:3 \
    --vary caregivers.cg_gujiao.shifts.cover.count=1:3 \
    --vary caregivers.cg_yangqu.shifts.cover.count=1:3 \
    --vary caregivers.cg_loufan.shifts.cover.count=1:3 \
    --target 'alarm.on_time_rate@district=xiaodian>=0.72' \
    --target 'alarm.on_time_rate@district=wanbailin>=0.83' \
    --target 'alarm.on_time_rate@district=xinghualing>=0.84' \
    --target 'alarm.on_time_rate@district=yingze>=0.86' \
    --target 'alarm.on_time_rate@district=jiancaoping>=0.79' \
    --target 'alarm.on_time_rate@district=qingxu>=0.91' \
    --target 'alarm.on_time_rate@district=jinyuan>=0.82' \
    --target 'alarm.on_time_rate@district=gujiao>=0.88' \
    --target 'alarm.on_time_rate@district=yangqu>=0.92' \
    --target 'alarm.on_time_rate@district=loufan>=0.91' \
    --max-reps 10 --out results/size/double-beds-4-cover "$@"

# 5. Day caregivers of the eight pools that have a day shift (Yangqu and Loufan have cover
#    only), with the cover answer (the cover caregivers make planned visits too), for today's
#    care-visit and alarm on-time rates in each district. The answer's cost per year is that of
#    the whole answer. Answer (confirmed): day caregivers 7, 4, 3, 2, 2, 2, 2, 1 in the order
#    below; the whole answer 22,096,688 CNY a year, 113.8 caregiver FTE, 27.6 team-FTE. The
#    pilots' corner (6, 3, 2, 1, 1, 1, 1, 0) failed the confirmation on Yingze's alarm target.
# shellcheck disable=SC2086
carecap size "$SCENARIO" $BATHING \
    --set caregivers.cg_xiaodian.shifts.cover.count=2 \
    --set caregivers.cg_wanbailin.shifts.cover.count=2 \
    --set caregivers.cg_xinghualing.shifts.cover.count=2 \
    --set caregivers.cg_yingze.shifts.cover.count=2 \
    --set caregivers.cg_jiancaoping.shifts.cover.count=2 \
    --set caregivers.cg_qingxu.shifts.cover.count=2 \
    --set caregivers.cg_jinyuan.shifts.cover.count=2 \
    --set caregivers.cg_gujiao.shifts.cover.count=2 \
    --set caregivers.cg_yangqu.shifts.cover.count=2 \
    --set caregivers.cg_loufan.shifts.cover.count=2 \
    --vary caregivers.cg_xiaodian.shifts.day.count=3:8 \
    --vary caregivers.cg_wanbailin.shifts.day.count=0:6 \
    --vary caregivers.cg_xinghualing.shifts.day.count=0:5 \
    --vary caregivers.cg_yingze.shifts.day.count=0:4 \
    --vary caregivers.cg_jiancaoping.shifts.day.count=0:4 \
    --vary caregivers.cg_qingxu.shifts.day.count=0:3 \
    --vary caregivers.cg_jinyuan.shifts.day.count=0:2 \
    --vary caregivers.cg_gujiao.shifts.day.count=0:2 \
    --target 'care_visit.on_time_rate@district=xiaodian>=0.999' \
    --target 'care_visit.on_time_rate@district=wanbailin>=0.999' \
    --target 'care_visit.on_time_rate@district=xinghualing>=0.999' \
    --target 'care_visit.on_time_rate@district=yingze>=0.999' \
    --target 'care_visit.on_time_rate@district=jiancaoping>=0.999' \
    --target 'care_visit.on_time_rate@district=qingxu>=0.999' \
    --target 'care_visit.on_time_rate@district=jinyuan>=0.999' \
    --target 'care_visit.on_time_rate@district=gujiao>=0.999' \
    --target 'alarm.on_time_rate@district=xiaodian>=0.72' \
    --target 'alarm.on_time_rate@district=wanbailin>=0.83' \
    --target 'alarm.on_time_rate@district=xinghualing>=0.84' \
    --target 'alarm.on_time_rate@district=yingze>=0.86' \
    --target 'alarm.on_time_rate@district=jiancaoping>=0.79' \
    --target 'alarm.on_time_rate@district=qingxu>=0.91' \
    --target 'alarm.on_time_rate@district=jinyuan>=0.82' \
    --target 'alarm.on_time_rate@district=gujiao>=0.88' \
    --max-reps 10 --out results/size/double-beds-5-day "$@"

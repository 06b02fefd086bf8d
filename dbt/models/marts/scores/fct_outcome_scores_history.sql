-- Every version of every inspection's outcome scores that was ever published. Each build adds a
-- version for every (inspection, outcome) whose published values changed (a corrected return,
-- a rescore, a new methodology) and closes the version it replaces, so nothing published is
-- ever lost. Incremental and never fully refreshed: the history exists only here.
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='version_id',
        full_refresh=false,
        on_schema_change='append_new_columns'
    )
}}
with

current_publication as (
    select publication_id, published_at
    from {{ ref('stg_platform__publications') }}
    order by published_at desc, publication_id desc
    limit 1
),

current_scores as (
    select
        outcome_scores.inspection_id,
        outcome_scores.outcome_code,
        outcome_scores.outcome_name,
        outcome_scores.methodology,
        outcome_scores.score,
        outcome_scores.score_pct,
        outcome_scores.rating,
        outcome_scores.ci_low,
        outcome_scores.ci_high,
        outcome_scores.n_questions,
        inspections.return_sha256,
        outcome_scores.publication_id as return_publication_id,
        outcome_scores.published_at as return_published_at,
        md5(concat_ws('|',
            outcome_scores.methodology, outcome_scores.score::varchar, outcome_scores.score_pct::varchar,
            outcome_scores.rating, outcome_scores.ci_low::varchar, outcome_scores.ci_high::varchar,
            outcome_scores.n_questions::varchar, inspections.return_sha256
        )) as content_hash
    from {{ ref('fct_outcome_scores') }} as outcome_scores
    inner join {{ ref('stg_inspection__inspections') }} as inspections
        on inspections.inspection_id = outcome_scores.inspection_id
),

{% if is_incremental() %}

open_versions as (
    select * from {{ this }} where superseded_at is null
),

new_versions as (
    select current_scores.*, current_publication.publication_id, current_publication.published_at
    from current_scores
    cross join current_publication
    left join open_versions
        on open_versions.inspection_id = current_scores.inspection_id
        and open_versions.outcome_code = current_scores.outcome_code
    where open_versions.content_hash is distinct from current_scores.content_hash
),

closed_versions as (
    select
        open_versions.* exclude (superseded_at, superseded_by_publication_id, is_current),
        current_publication.published_at as superseded_at,
        current_publication.publication_id as superseded_by_publication_id,
        false as is_current
    from open_versions
    cross join current_publication
    left join current_scores
        on current_scores.inspection_id = open_versions.inspection_id
        and current_scores.outcome_code = open_versions.outcome_code
    where current_scores.content_hash is distinct from open_versions.content_hash
),

{% else %}

-- First build: each current score was published with its return.
new_versions as (
    select current_scores.*, return_publication_id as publication_id, return_published_at as published_at
    from current_scores
),

closed_versions as (
    select * from new_versions where false
),

{% endif %}

versions as (
    select
        md5(concat_ws('|', inspection_id, outcome_code::varchar, publication_id)) as version_id,
        inspection_id,
        outcome_code,
        outcome_name,
        methodology,
        score,
        score_pct,
        rating,
        ci_low,
        ci_high,
        n_questions,
        return_sha256,
        publication_id,
        published_at,
        null::timestamp with time zone as superseded_at,
        null::varchar as superseded_by_publication_id,
        true as is_current,
        content_hash
    from new_versions
)

select * from versions
{% if is_incremental() %}
union all by name
select * from closed_versions
{% endif %}

"""Enumerations the emulator validates against, taken from the Pinterest API v5 spec (5.23.0).

Kept in code so the emulator runs without the spec file; tests/emulator/test_spec_facts.py checks
every value here against openapi.json so drift is caught.
"""

# `columns` of the synchronous ads analytics and targeting analytics endpoints.
ADS_ANALYTICS_COLUMNS = frozenset({
    'SPEND_IN_MICRO_DOLLAR', 'PAID_IMPRESSION', 'SPEND_IN_DOLLAR', 'CPC_IN_MICRO_DOLLAR',
    'ECPC_IN_MICRO_DOLLAR', 'ECPC_IN_DOLLAR', 'CTR', 'ECTR', 'OUTBOUND_CTR_1', 'CAMPAIGN_NAME',
    'CAMPAIGN_BRAND_LABEL', 'PIN_ID', 'TOTAL_ENGAGEMENT', 'ENGAGEMENT_1', 'ENGAGEMENT_2',
    'ECPE_IN_DOLLAR', 'ENGAGEMENT_RATE', 'EENGAGEMENT_RATE', 'ECPM_IN_MICRO_DOLLAR', 'REPIN_RATE',
    'CTR_2', 'CAMPAIGN_ID', 'ADVERTISER_ID', 'AD_ACCOUNT_ID', 'PIN_PROMOTION_ID', 'AD_ID',
    'AD_GROUP_ID', 'CAMPAIGN_ENTITY_STATUS', 'CAMPAIGN_OBJECTIVE_TYPE', 'CPM_IN_MICRO_DOLLAR',
    'CPM_IN_DOLLAR', 'AD_GROUP_NAME', 'AD_GROUP_BUDGET_TYPE', 'AD_GROUP_BUDGET_IN_LOCAL_CURRENCY',
    'AD_GROUP_ENTITY_STATUS', 'AD_GROUP_BID_MULTIPLIER', 'PROMO_ID', 'PROMO_NAME', 'ORDER_LINE_ID',
    'ORDER_LINE_NAME', 'CLICKTHROUGH_1', 'REPIN_1', 'IMPRESSION_1', 'IMPRESSION_1_GROSS',
    'CLICKTHROUGH_1_GROSS', 'OUTBOUND_CLICK_1', 'CLICKTHROUGH_2', 'REPIN_2', 'IMPRESSION_2',
    'OUTBOUND_CLICK_2', 'TOTAL_CLICKTHROUGH', 'TOTAL_IMPRESSION', 'TOTAL_IMPRESSION_USER',
    'TOTAL_IMPRESSION_FREQUENCY', 'COST_PER_OUTBOUND_CLICK_IN_DOLLAR',
    'COST_PER_OUTBOUND_CLICK_IN_DOLLAR_1', 'TOTAL_ENGAGEMENT_SIGNUP', 'TOTAL_ENGAGEMENT_CHECKOUT',
    'TOTAL_ENGAGEMENT_LEAD', 'TOTAL_CLICK_SIGNUP', 'TOTAL_CLICK_CHECKOUT',
    'TOTAL_CLICK_ADD_TO_CART', 'TOTAL_CLICK_LEAD', 'TOTAL_VIEW_SIGNUP', 'TOTAL_VIEW_CHECKOUT',
    'TOTAL_VIEW_ADD_TO_CART', 'TOTAL_VIEW_LEAD', 'TOTAL_CONVERSIONS',
    'TOTAL_ENGAGEMENT_SIGNUP_VALUE_IN_MICRO_DOLLAR',
    'TOTAL_ENGAGEMENT_CHECKOUT_VALUE_IN_MICRO_DOLLAR', 'TOTAL_CLICK_SIGNUP_VALUE_IN_MICRO_DOLLAR',
    'TOTAL_CLICK_CHECKOUT_VALUE_IN_MICRO_DOLLAR', 'TOTAL_VIEW_SIGNUP_VALUE_IN_MICRO_DOLLAR',
    'TOTAL_VIEW_CHECKOUT_VALUE_IN_MICRO_DOLLAR', 'TOTAL_WEB_SESSIONS', 'WEB_SESSIONS_1',
    'WEB_SESSIONS_2', 'AD_NAME', 'CAMPAIGN_LIFETIME_SPEND_CAP', 'AD_GROUP_OPTIMIZATION',
    'CAMPAIGN_DAILY_SPEND_CAP', 'CAMPAIGN_BUDGET_OPTIMIZATION', 'IS_PREMIERE_CAMPAIGN',
    'TOTAL_PAGE_VISIT', 'TOTAL_SIGNUP', 'TOTAL_CHECKOUT', 'TOTAL_CUSTOM', 'TOTAL_LEAD',
    'TOTAL_ADD_TO_WISHLIST', 'TOTAL_SUBSCRIBE', 'TOTAL_SIGNUP_VALUE_IN_MICRO_DOLLAR',
    'TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR', 'TOTAL_CUSTOM_VALUE_IN_MICRO_DOLLAR',
    'PAGE_VISIT_COST_PER_ACTION', 'PAGE_VISIT_ROAS', 'CHECKOUT_ROAS', 'CUSTOM_ROAS',
    'PRODUCT_GROUP_AD_IMAGE_TAG', 'PRODUCT_GROUP_AD_VIDEO_TAG', 'VIDEO_3SEC_VIEWS_1',
    'VIDEO_15SEC_UNIQUE_VIEWS_1', 'VIDEO_MRC_VIEWS_1', 'VIDEO_3SEC_VIEWS_2',
    'VIDEO_15SEC_UNIQUE_VIEWS_2', 'VIDEO_P100_COMPLETE_2', 'VIDEO_P0_COMBINED_2',
    'VIDEO_P25_COMBINED_2', 'VIDEO_P50_COMBINED_2', 'VIDEO_P75_COMBINED_2', 'VIDEO_P95_COMBINED_2',
    'VIDEO_MRC_VIEWS_2', 'PAID_VIDEO_VIEWABLE_RATE', 'VIDEO_LENGTH', 'VIDEO_SPEND_IN_DOLLAR',
    'ECPV_IN_DOLLAR', 'ECPCV_IN_DOLLAR', 'ECPCV_P95_IN_DOLLAR', 'TOTAL_VIDEO_3SEC_VIEWS',
    'TOTAL_VIDEO_15SEC_UNIQUE_VIEWS', 'TOTAL_VIDEO_P100_COMPLETE', 'TOTAL_VIDEO_P0_COMBINED',
    'TOTAL_VIDEO_P25_COMBINED', 'TOTAL_VIDEO_P50_COMBINED', 'TOTAL_VIDEO_P75_COMBINED',
    'TOTAL_VIDEO_P95_COMBINED', 'TOTAL_VIDEO_MRC_VIEWS', 'TOTAL_VIDEO_AVG_WATCHTIME_IN_SECOND',
    'TOTAL_REPIN_RATE', 'WEB_CHECKOUT_COST_PER_ACTION', 'WEB_CHECKOUT_ROAS', 'TOTAL_WEB_CHECKOUT',
    'TOTAL_WEB_CHECKOUT_VALUE_IN_MICRO_DOLLAR', 'TOTAL_WEB_CLICK_CHECKOUT',
    'TOTAL_WEB_CLICK_CHECKOUT_VALUE_IN_MICRO_DOLLAR', 'TOTAL_WEB_ENGAGEMENT_CHECKOUT',
    'TOTAL_WEB_ENGAGEMENT_CHECKOUT_VALUE_IN_MICRO_DOLLAR', 'TOTAL_WEB_VIEW_CHECKOUT',
    'TOTAL_WEB_VIEW_CHECKOUT_VALUE_IN_MICRO_DOLLAR', 'INAPP_CHECKOUT_COST_PER_ACTION',
    'TOTAL_OFFLINE_CHECKOUT', 'TOTAL_APP_INSTALL_CONVERSION_RATE',
    'TOTAL_INAPP_APP_INSTALL_CONVERSION_RATE', 'IDEA_PIN_PRODUCT_TAG_VISIT_1',
    'IDEA_PIN_PRODUCT_TAG_VISIT_2', 'TOTAL_IDEA_PIN_PRODUCT_TAG_VISIT', 'LEADS', 'COST_PER_LEAD',
    'QUIZ_COMPLETED', 'QUIZ_PIN_RESULT_OPEN', 'QUIZ_COMPLETION_RATE', 'SHOWCASE_PIN_CLICKTHROUGH',
    'SHOWCASE_SUBPAGE_CLICKTHROUGH', 'SHOWCASE_SUBPIN_CLICKTHROUGH', 'SHOWCASE_SUBPAGE_IMPRESSION',
    'SHOWCASE_SUBPIN_IMPRESSION', 'SHOWCASE_SUBPAGE_SWIPE_LEFT', 'SHOWCASE_SUBPAGE_SWIPE_RIGHT',
    'SHOWCASE_SUBPIN_SWIPE_LEFT', 'SHOWCASE_SUBPIN_SWIPE_RIGHT', 'SHOWCASE_SUBPAGE_REPIN',
    'SHOWCASE_SUBPIN_REPIN', 'SHOWCASE_SUBPAGE_CLOSEUP', 'SHOWCASE_CARD_THUMBNAIL_SWIPE_FORWARD',
    'SHOWCASE_CARD_THUMBNAIL_SWIPE_BACKWARD', 'SHOWCASE_AVERAGE_SUBPAGE_CLOSEUP_PER_SESSION',
    'TOTAL_CHECKOUT_CONVERSION_RATE', 'TOTAL_VIEW_CATEGORY_CONVERSION_RATE',
    'TOTAL_ADD_TO_CART_CONVERSION_RATE', 'TOTAL_SIGNUP_CONVERSION_RATE',
    'TOTAL_PAGE_VISIT_CONVERSION_RATE', 'TOTAL_LEAD_CONVERSION_RATE',
    'TOTAL_SEARCH_CONVERSION_RATE', 'TOTAL_WATCH_VIDEO_CONVERSION_RATE',
    'TOTAL_UNKNOWN_CONVERSION_RATE', 'TOTAL_CUSTOM_CONVERSION_RATE',
})

_TARGETING_COMMON = (
    "KEYWORD", "APPTYPE", "GENDER", "LOCATION", "PLACEMENT", "COUNTRY", "TARGETED_INTEREST",
    "PINNER_INTEREST", "AUDIENCE_INCLUDE", "GEO", "AGE_BUCKET", "REGION", "AGE_BUCKET_AND_GENDER",
)
# `targeting_types` per targeting-analytics level, with the spec's maxItems.
TARGETING_TYPES: dict[str, tuple[frozenset[str], int]] = {
    "ad_account": (frozenset(_TARGETING_COMMON), 15),
    "campaign": (frozenset(_TARGETING_COMMON + ("CREATIVE_TYPE", "AUDIENCE_MULTIPLIER")), 14),
    "ad_group": (frozenset(_TARGETING_COMMON + ("CREATIVE_ENHANCEMENTS",)), 14),
    "ad": (frozenset(_TARGETING_COMMON + ("QUIZ_RESULT",)), 14),
}

ATTRIBUTION_WINDOW_DAYS = frozenset({0, 1, 7, 14, 30, 60})
GRANULARITIES = frozenset({"TOTAL", "DAY", "HOUR", "WEEK", "MONTH"})
ENTITY_STATUSES = ("ACTIVE", "PAUSED", "ARCHIVED", "DRAFT", "DELETED_DRAFT")
CREATIVE_TYPES = frozenset({
    "REGULAR", "VIDEO", "SHOPPING", "CAROUSEL", "MAX_VIDEO", "SHOP_THE_PIN", "COLLECTION", "IDEA",
    "SHOWCASE", "QUIZ", "COLLAGE", "MAX_WIDTH_REGULAR_COLLECTION", "MAX_WIDTH_VIDEO_COLLECTION",
})
MATCH_TYPES = frozenset({"BROAD", "PHRASE", "EXACT", "EXACT_NEGATIVE", "PHRASE_NEGATIVE"})

# Organic analytics `metric_types`.
USER_ACCOUNT_METRICS = (
    "ENGAGEMENT", "ENGAGEMENT_RATE", "IMPRESSION", "OUTBOUND_CLICK", "OUTBOUND_CLICK_RATE",
    "PIN_CLICK", "PIN_CLICK_RATE", "SAVE", "SAVE_RATE",
)
TOP_PINS_SORT_BY = frozenset({"ENGAGEMENT", "IMPRESSION", "OUTBOUND_CLICK", "PIN_CLICK", "SAVE"})
TOP_VIDEO_PINS_METRICS = (
    "IMPRESSION", "SAVE", "VIDEO_MRC_VIEW", "VIDEO_AVG_WATCH_TIME", "VIDEO_V50_WATCH_TIME",
    "QUARTILE_95_PERCENT_VIEW", "VIDEO_10S_VIEW", "VIDEO_START", "OUTBOUND_CLICK",
)
PIN_METRICS = frozenset({
    "IMPRESSION", "OUTBOUND_CLICK", "PIN_CLICK", "SAVE", "SAVE_RATE", "TOTAL_COMMENTS",
    "TOTAL_REACTIONS", "USER_FOLLOW", "PROFILE_VISIT", "VIDEO_MRC_VIEW", "VIDEO_10S_VIEW",
    "QUARTILE_95_PERCENT_VIEW", "VIDEO_V50_WATCH_TIME", "VIDEO_START", "VIDEO_AVG_WATCH_TIME",
})
SPLIT_FIELDS = frozenset({"NO_SPLIT", "APP_TYPE", "OWNED_CONTENT", "SOURCE", "PIN_FORMAT"})
APP_TYPES = frozenset({"ALL", "MOBILE", "TABLET", "WEB"})

# Every GET path the emulator serves: (template, x-ratelimit-category, OAuth scopes required).
_ADS = ("ads:read",)
_AA = "/ad_accounts/{ad_account_id}"
ROUTES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("/user_account", "org_read", ("user_accounts:read",)),
    ("/user_account/followers", "ads_read", ("user_accounts:read",)),
    ("/user_account/following", "org_read", ("user_accounts:read",)),
    ("/user_account/websites", "org_read", ("user_accounts:read",)),
    ("/user_account/analytics", "org_analytics", ("user_accounts:read",)),
    ("/user_account/analytics/top_pins", "org_analytics", ("pins:read", "user_accounts:read")),
    ("/user_account/analytics/top_video_pins", "org_analytics", ("pins:read", "user_accounts:read")),
    ("/boards", "org_read", ("boards:read",)),
    ("/boards/{board_id}", "org_read", ("boards:read",)),
    ("/boards/{board_id}/sections", "org_read", ("boards:read",)),
    ("/boards/{board_id}/pins", "org_read", ("boards:read", "pins:read")),
    ("/boards/{board_id}/sections/{section_id}/pins", "org_read", ("boards:read", "pins:read")),
    ("/pins", "org_read", ("boards:read", "pins:read")),
    ("/pins/analytics", "org_analytics", ("boards:read", "pins:read")),
    ("/pins/{pin_id}", "org_read", ("boards:read", "pins:read")),
    ("/pins/{pin_id}/analytics", "org_analytics", ("boards:read", "pins:read")),
    ("/ad_accounts", "ads_read", _ADS),
    (_AA, "ads_read", _ADS),
    (_AA + "/analytics", "ads_analytics", _ADS),
    (_AA + "/targeting_analytics", "ads_analytics", _ADS),
    (_AA + "/campaigns", "ads_read", _ADS),
    (_AA + "/campaigns/analytics", "ads_analytics", _ADS),
    (_AA + "/campaigns/targeting_analytics", "ads_analytics", _ADS),
    (_AA + "/campaigns/{campaign_id}", "ads_read", _ADS),
    (_AA + "/ad_groups", "ads_read", _ADS),
    (_AA + "/ad_groups/analytics", "ads_analytics", _ADS),
    (_AA + "/ad_groups/targeting_analytics", "ads_analytics", _ADS),
    (_AA + "/ad_groups/{ad_group_id}", "ads_read", _ADS),
    (_AA + "/ads", "ads_read", _ADS),
    (_AA + "/ads/analytics", "ads_analytics", _ADS),
    (_AA + "/ads/targeting_analytics", "ads_analytics", _ADS),
    (_AA + "/ads/{ad_id}", "ads_read", _ADS),
    (_AA + "/pins/analytics", "ads_analytics", _ADS),
    (_AA + "/product_groups/analytics", "ads_analytics", _ADS),
    (_AA + "/keywords", "ads_read", _ADS),
    (_AA + "/audiences", "ads_read", _ADS),
    (_AA + "/audiences/{audience_id}", "ads_read", _ADS),
    (_AA + "/customer_lists", "ads_read", _ADS),
    (_AA + "/customer_lists/{customer_list_id}", "ads_read", _ADS),
    (_AA + "/conversion_tags", "ads_read", _ADS),
    (_AA + "/product_group_promotions", "ads_read", _ADS),
    (_AA + "/product_group_promotions/{product_group_promotion_id}", "ads_read", _ADS),
    ("/catalogs", "catalogs_read", ("catalogs:read",)),
    ("/catalogs/feeds", "catalogs_read", ("catalogs:read",)),
    ("/catalogs/feeds/{feed_id}", "catalogs_read", ("catalogs:read",)),
    ("/catalogs/product_groups", "catalogs_read", ("catalogs:read",)),
    ("/catalogs/product_groups/{product_group_id}", "catalogs_read", ("catalogs:read",)),
)
OAUTH_TOKEN_CATEGORY = "org_read"

# All 19 OAuth scopes of API v5.
ALL_SCOPES = (
    "ads:read", "ads:write", "billing:read", "billing:write", "biz_access:read", "biz_access:write",
    "boards:read", "boards:read_secret", "boards:write", "boards:write_secret", "catalogs:read",
    "catalogs:write", "msot:write", "pins:read", "pins:read_secret", "pins:write",
    "pins:write_secret", "user_accounts:read", "user_accounts:write",
)

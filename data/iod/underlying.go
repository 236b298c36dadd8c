package iod

import "placeplan"

// underlyingIndicator is what placeplan knows of one IoD underlying
// indicator (File 8): every one is oriented so that a higher value means
// more deprivation.
type underlyingIndicator struct {
	kind, unit, denominator string
	index                   placeplan.IoDIndex
}

// underlyingNames name the File 8 indicators placeplan's scenarios use most
// in words that read well in a sentence.
var underlyingNames = map[string]string{
	"acute_morbidity_indicator":                                        "Emergency hospital admissions (acute morbidity)",
	"mood_and_anxiety_disorders_indicator":                             "Mood and anxiety disorders",
	"comparative_illness_and_disability_ratio_indicator":               "Illness and disability limiting work (comparative ratio)",
	"staying_on_in_education_post_16_indicator":                        "Young people not staying on in education after 16",
	"entry_to_higher_education_indicator":                              "Young people not entering higher education",
	"years_of_potential_life_lost_indicator":                           "Years of potential life lost",
	"mental_health_indicator":                                          "Mental health",
	"income_domain_numerator":                                          "People in income deprivation",
	"income_deprivation_affecting_children_index_idaci_numerator":      "Children in income-deprived families",
	"income_deprivation_affecting_older_people_index_idaopi_numerator": "Older people in income deprivation",
	"employment_domain_numerator":                                      "People in employment deprivation",
}

// underlyingMeta lists the File 8 indicators of IoD2019 and IoD2025 by the
// snake_case form of their published headers.
var underlyingMeta = map[string]underlyingIndicator{
	// Income and employment numerators: counts of deprived people.
	"income_domain_numerator":                                          {placeplan.KindCount, "people", placeplan.PopTotal, placeplan.IndexIncome},
	"income_deprivation_affecting_children_index_idaci_numerator":      {placeplan.KindCount, "children", placeplan.PopChildren, placeplan.IndexIDACI},
	"income_deprivation_affecting_older_people_index_idaopi_numerator": {placeplan.KindCount, "people aged 60+", placeplan.PopOlder, placeplan.IndexIDAOPI},
	"income_deprivation_affecting_older_people_idaopi_numerator":       {placeplan.KindCount, "people aged 60+", placeplan.PopOlder, placeplan.IndexIDAOPI},
	"employment_domain_numerator":                                      {placeplan.KindCount, "people", placeplan.PopWorkingAge, placeplan.IndexEmployment},
	// Education.
	"staying_on_in_education_post_16_indicator":                                                                    {placeplan.KindRate, "proportion not staying on after 16", placeplan.PopChildren, placeplan.IndexEducation},
	"entry_to_higher_education_indicator":                                                                          {placeplan.KindRate, "proportion not entering higher education", placeplan.PopChildren, placeplan.IndexEducation},
	"adult_skills_and_english_language_proficiency_indicator":                                                      {placeplan.KindRate, "proportion of adults", placeplan.PopTotal, placeplan.IndexEducation},
	"key_stage_2_attainment_the_average_points_score_of_pupils_taking_reading_writing_and_maths_key_stage_2_exams": {placeplan.KindScore, "score", placeplan.PopChildren, placeplan.IndexEducation},
	"key_stage_4_attainment_the_average_capped_points_score_of_pupils_taking_key_stage_4":                          {placeplan.KindScore, "score", placeplan.PopChildren, placeplan.IndexEducation},
	"secondary_school_absence_indicator":                                                                           {placeplan.KindRate, "proportion of sessions missed", placeplan.PopChildren, placeplan.IndexEducation},
	// Health.
	"years_of_potential_life_lost_indicator":             {placeplan.KindScore, "standardised ratio", placeplan.PopTotal, placeplan.IndexHealth},
	"comparative_illness_and_disability_ratio_indicator": {placeplan.KindScore, "standardised ratio (100 = England)", placeplan.PopWorkingAge, placeplan.IndexHealth},
	"acute_morbidity_indicator":                          {placeplan.KindScore, "standardised ratio of emergency admissions (100 = England)", placeplan.PopTotal, placeplan.IndexHealth},
	"mood_and_anxiety_disorders_indicator":               {placeplan.KindScore, "standardised score", placeplan.PopTotal, placeplan.IndexHealth},
	"mental_health_indicator":                            {placeplan.KindScore, "standardised score", placeplan.PopTotal, placeplan.IndexHealth},
	// Barriers to housing and services.
	"road_distance_to_a_post_office_indicator_km":                                 {placeplan.KindScore, "km", placeplan.PopTotal, placeplan.IndexBarriers},
	"road_distance_to_a_primary_school_indicator_km":                              {placeplan.KindScore, "km", placeplan.PopChildren, placeplan.IndexBarriers},
	"road_distance_to_general_store_or_supermarket_indicator_km":                  {placeplan.KindScore, "km", placeplan.PopTotal, placeplan.IndexBarriers},
	"road_distance_to_a_gp_surgery_indicator_km":                                  {placeplan.KindScore, "km", placeplan.PopTotal, placeplan.IndexBarriers},
	"connectivity_score":                                                          {placeplan.KindScore, "score", placeplan.PopTotal, placeplan.IndexBarriers},
	"household_overcrowding_indicator":                                            {placeplan.KindRate, "proportion of households", placeplan.PopTotal, placeplan.IndexBarriers},
	"household_overcrowding_indicator_rooms":                                      {placeplan.KindRate, "proportion of households", placeplan.PopTotal, placeplan.IndexBarriers},
	"household_overcrowding_indicator_bedrooms":                                   {placeplan.KindRate, "proportion of households", placeplan.PopTotal, placeplan.IndexBarriers},
	"homelessness_indicator_rate_per_1000_households":                             {placeplan.KindRate, "per 1,000 households", placeplan.PopTotal, placeplan.IndexBarriers},
	"homelessness_indicator_rate_per_1_000_households":                            {placeplan.KindRate, "per 1,000 households", placeplan.PopTotal, placeplan.IndexBarriers},
	"core_homelessness_rate_percent_of_households":                                {placeplan.KindRate, "%", placeplan.PopTotal, placeplan.IndexBarriers},
	"owner_occupation_affordability_component_of_housing_affordability_indicator": {placeplan.KindScore, "score", placeplan.PopTotal, placeplan.IndexBarriers},
	"private_rental_affordability_component_of_housing_affordability_indicator":   {placeplan.KindScore, "score", placeplan.PopTotal, placeplan.IndexBarriers},
	"housing_affordability_indicator":                                             {placeplan.KindScore, "score", placeplan.PopTotal, placeplan.IndexBarriers},
	"digital_connectivity_broadband_download_and_upload_speeds":                   {placeplan.KindScore, "score", placeplan.PopTotal, placeplan.IndexBarriers},
	"patient_to_gp_ratio":                                                         {placeplan.KindScore, "patients per GP", placeplan.PopTotal, placeplan.IndexBarriers},
	// Living environment.
	"housing_in_poor_condition_indicator":                 {placeplan.KindRate, "proportion of dwellings", placeplan.PopTotal, placeplan.IndexLivingEnv},
	"houses_without_central_heating_indicator":            {placeplan.KindRate, "proportion of dwellings", placeplan.PopTotal, placeplan.IndexLivingEnv},
	"road_traffic_accidents_indicator":                    {placeplan.KindRate, "per 1,000 residents and workers", placeplan.PopTotal, placeplan.IndexLivingEnv},
	"nitrogen_dioxide_component_of_air_quality_indicator": {placeplan.KindScore, "score", placeplan.PopTotal, placeplan.IndexLivingEnv},
	"benzene_component_of_air_quality_indicator":          {placeplan.KindScore, "score", placeplan.PopTotal, placeplan.IndexLivingEnv},
	"sulphur_dioxide_component_of_air_quality_indicator":  {placeplan.KindScore, "score", placeplan.PopTotal, placeplan.IndexLivingEnv},
	"particulates_component_of_air_quality_indicator":     {placeplan.KindScore, "score", placeplan.PopTotal, placeplan.IndexLivingEnv},
	"air_quality_indicator":                               {placeplan.KindScore, "score", placeplan.PopTotal, placeplan.IndexLivingEnv},
	// Crime (IoD2025 publishes the rates behind the domain).
	"violence_with_injury_rate_per_1_000_at_risk_population":                   {placeplan.KindRate, "per 1,000 at-risk population", placeplan.PopTotal, placeplan.IndexCrime},
	"violence_without_injury_rate_per_1_000_at_risk_population":                {placeplan.KindRate, "per 1,000 at-risk population", placeplan.PopTotal, placeplan.IndexCrime},
	"stalking_and_harassment_rate_per_1_000_at_risk_population":                {placeplan.KindRate, "per 1,000 at-risk population", placeplan.PopTotal, placeplan.IndexCrime},
	"burglary_rate_per_1_000_at_risk_properties":                               {placeplan.KindRate, "per 1,000 at-risk properties", placeplan.PopTotal, placeplan.IndexCrime},
	"theft_rate_per_1_000_at_risk_population":                                  {placeplan.KindRate, "per 1,000 at-risk population", placeplan.PopTotal, placeplan.IndexCrime},
	"criminal_damage_rate_per_1_000_at_risk_population":                        {placeplan.KindRate, "per 1,000 at-risk population", placeplan.PopTotal, placeplan.IndexCrime},
	"public_order_and_possession_of_weapons_rate_per_1_000_at_risk_population": {placeplan.KindRate, "per 1,000 at-risk population", placeplan.PopTotal, placeplan.IndexCrime},
	"anti_social_behaviour_rate_per_1_000_at_risk_population":                  {placeplan.KindRate, "per 1,000 at-risk population", placeplan.PopTotal, placeplan.IndexCrime},
}
